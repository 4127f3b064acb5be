/**
 * Finding the repository a local command acts on: the top of the git work tree around the current directory.
 * Not here: preflight checks (local/preflight.ts); running git (git/git-executor.ts).
 */
import { WeaveError } from "../core/errors.js";
import { createGit } from "../git/git-executor.js";

export async function findRepoRoot(cwd: string): Promise<string> {
  const r = await createGit(cwd).exec(["rev-parse", "--show-toplevel"]);
  if (r.code !== 0) throw new WeaveError("git-failed", `${cwd} is not inside a git repository`, { hint: "run weave from your repository, or `git init` one first" });
  return r.stdout.trim();
}
