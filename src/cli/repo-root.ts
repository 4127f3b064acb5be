/**
 * Finding the repository a local command acts on: the top of the git work tree around the current directory.
 * Not here: preflight checks (local/preflight.ts).
 */
import { execFile } from "node:child_process";
import { WeaveError } from "../core/errors.js";

export function findRepoRoot(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["rev-parse", "--show-toplevel"], { cwd }, (error, stdout) => {
      if (error) reject(new WeaveError("git-failed", `${cwd} is not inside a git repository`, { hint: "run weave from your repository, or `git init` one first" }));
      else resolve(stdout.trim());
    });
  });
}
