/**
 * weave's own paths on a milestone branch: the one list of files under `.weave/` that weave itself commits there.
 * Responsibilities: say whether a path under `.weave/` is weave's (its merge conflicts take the milestone's side) or
 * an intruder (a file an agent force-added: never in any milestone's scope, and never merged into a local checkout,
 * whose `.weave/` is the live run folder).
 * Not here: the run folder's layout on the user's machine (local/weave-paths.ts), the scope check and the merge
 * verdict (core/merge-verdict.ts).
 * Invariants: pure. The list is empty today, by evidence: the worker commits nothing under `.weave/` (checkpoints
 * are commit messages, `worker/checkpoint.ts`; status, cost, notes and signals live in `RUNNER_TEMP` in a job and
 * in the main checkout's git-ignored `.weave/run/` locally), so every `.weave/` path a branch carries is the
 * agent's. A path weave starts to commit there must be added here by its exact name, never by a prefix.
 */

/** The folder weave reserves in every repository it runs in (git-ignored locally; `weave init` adds it). */
export const WEAVE_DIR = ".weave/";

/** Exact paths under `.weave/` that weave itself writes on a milestone branch (none today; see the header). */
export const WEAVE_OWNED_BRANCH_PATHS: readonly string[] = [];

/** True for a path inside weave's reserved folder (`.weave` itself included). */
export function isInWeaveDir(path: string): boolean {
  return path === ".weave" || path.startsWith(WEAVE_DIR);
}

/** True only for a path weave itself writes on a branch: a merge conflict there resolves to the milestone's side. */
export function isWeaveOwnedPath(path: string): boolean {
  return WEAVE_OWNED_BRANCH_PATHS.includes(path);
}

/** Files under `.weave/` that a branch changed and weave did not write: an agent's, refused wherever they would land. */
export function weaveDirIntruders(changed: readonly string[]): string[] {
  return changed.filter((f) => isInWeaveDir(f) && !isWeaveOwnedPath(f));
}
