/**
 * Git requirements checked before any agent runs: a git new enough for `merge-tree --write-tree` (2.38) and an
 * identity git will commit with (else every milestone would spend its agent's money and then fail at `git commit`).
 * Responsibilities: parse `git --version`, ask git for the author and committer identity the way `git commit` does.
 * Not here: the other preflight checks (local/preflight.ts); running git (git/git-executor.ts).
 * Invariants: decisions branch on git's exit code and the version number, never on git's wording.
 */
import { WeaveError } from "../core/errors.js";
import { createGit } from "../git/git-executor.js";

export const MIN_GIT: readonly [number, number] = [2, 38];

/** `[major, minor]` from `git --version` output ("git version 2.39.5", "git version 2.45.1.windows.1"), else undefined. */
export function parseGitVersion(output: string): [number, number] | undefined {
  const match = /(\d+)\.(\d+)/.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function gitVersionOk(version: readonly [number, number]): boolean {
  return version[0] > MIN_GIT[0] || (version[0] === MIN_GIT[0] && version[1] >= MIN_GIT[1]);
}

/** Throws a WeaveError that says how to fix it when git is too old or has no identity for commits in `root`. */
export async function checkGitRequirements(root: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const git = createGit(root, { env });
  const version = await git.exec(["--version"]);
  const parsed = parseGitVersion(version.stdout);
  if (version.code !== 0 || !parsed) throw new WeaveError("git-failed", "cannot run git", { hint: "install git 2.38 or newer and make sure `git` is on PATH" });
  if (!gitVersionOk(parsed)) {
    throw new WeaveError("git-failed", `git ${parsed.join(".")} is too old: weave needs git ${MIN_GIT.join(".")} or newer (for \`git merge-tree --write-tree\`)`, {
      hint: "upgrade git (e.g. from git-scm.com or your package manager), then run the command again",
    });
  }
  // `git var` uses the same strict identity rules as `git commit` and fails (exit 128) when they are not met.
  const [author, committer] = await Promise.all([git.exec(["var", "GIT_AUTHOR_IDENT"]), git.exec(["var", "GIT_COMMITTER_IDENT"])]);
  if (author.code !== 0 || committer.code !== 0) {
    throw new WeaveError("git-failed", "git has no identity to commit with here: every milestone would run its agent and then fail at `git commit`", {
      hint: 'set one:  git config --global user.name "Your Name"  &&  git config --global user.email you@example.com',
    });
  }
}
