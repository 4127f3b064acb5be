// Bundles the worker Action (src/action/main.ts, post.ts) into action/dist/ with esbuild: `npm run build:action`.
// The bundle is committed (GitHub runs it as is); test/action/bundle.test.ts fails when it is stale.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ACTION_ENTRIES = { index: "src/action/main.ts", post: "src/action/post.ts" };

export async function buildAction(outdir = fileURLToPath(new URL("../action/dist", import.meta.url)), write = true) {
  // The job summary names the weave that ran (src/action/weave-version.ts).
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return build({
    entryPoints: ACTION_ENTRIES,
    absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
    outdir,
    bundle: true,
    define: { WEAVE_BUNDLED_VERSION: JSON.stringify(version) },
    platform: "node",
    target: "node20",
    format: "esm",
    outExtension: { ".js": ".js" },
    banner: { js: "import { createRequire as __weaveRequire } from 'node:module'; const require = __weaveRequire(import.meta.url);" },
    legalComments: "none",
    minify: true,
    write,
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAction();
