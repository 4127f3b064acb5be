/**
 * weave's version as the Action knows it: package.json's `version`, written into the bundle by
 * scripts/build-action.mjs (esbuild `define`), so the job summary and log say which weave ran.
 * Invariants: unbundled (tests importing src/), it reads "unbundled" — the bundle test keeps action/dist current.
 */
declare const WEAVE_BUNDLED_VERSION: string | undefined;

export const WEAVE_VERSION: string = typeof WEAVE_BUNDLED_VERSION === "string" ? WEAVE_BUNDLED_VERSION : "unbundled";
