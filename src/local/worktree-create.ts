/**
 * Worktree creation that survives concurrency and crashes: one `git worktree add -b` when nothing is there yet, else
 * the milestone branch is made first (`git branch`), then the worktree is added on it, each step idempotent; all
 * worktree-admin git calls of one repository serialised.
 * Responsibilities: one queue per repository for `worktree add/remove/prune` (git itself races there: a concurrent add
 * or prune fails with "failed to read .git/worktrees/<X>/commondir"); resume from a branch already made; clear a
 * half-made worktree directory left by a killed coordinator.
 * Not here: which worktree to reuse for a running milestone (local/run-actions.ts), other git plumbing (repo-git.ts).
 * Invariants: never deletes a directory git lists as a worktree or one holding anything but a `.git` file; never moves a branch.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { WeaveError } from "../core/errors.js";

/** What worktree creation asks of the repository's git (local/repo-git.ts's RepoGit is one; this file never imports it). */
export interface WorktreeGit {
  root: string;
  raw(args: readonly string[]): Promise<string>;
  revParse(ref: string): Promise<string | undefined>;
  listWorktrees(): Promise<{ path: string; branch?: string }[]>;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier worktree-admin task of the same repository (in this process) has ended. */
export function serialiseWorktreeAdmin<T>(root: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(root) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(task);
  queues.set(root, next.catch(() => undefined));
  return next;
}

export interface EnsureWorktreeHooks {
  /**
   * Test seam: runs right after the branch was created and before the worktree is added (a crash injected there).
   * Given, the two-step path is taken even when nothing is there yet (the one-step `worktree add -b` has no "between").
   */
  afterBranchCreated?: () => Promise<void> | void;
}

/**
 * A worktree of `branch` at `path`; the branch is created at `startPoint` when it does not exist yet. Calling it again
 * after any failure (or a kill) part-way finishes the job.
 */
export async function ensureWorktree(git: WorktreeGit, path: string, branch: string, startPoint: string, hooks: EnsureWorktreeHooks = {}): Promise<void> {
  await addOrFinishWorktree(git, path, branch, startPoint, hooks);
}

/** `ensureWorktree` that also says whether this call made the branch ("fresh", at `startPoint` as it was then) or found it. */
export async function addOrFinishWorktree(git: WorktreeGit, path: string, branch: string, startPoint: string, hooks: EnsureWorktreeHooks = {}): Promise<"fresh" | "existing"> {
  return await serialiseWorktreeAdmin(git.root, async () => {
    // Fast path, one git process: nothing at the path and (as `-b` checks) no branch yet. Any failure — the branch
    // exists (a resumed milestone), a stale registration, git's own race with another process — takes the careful
    // path below, which finishes whatever this left (a branch made at the start point is never moved).
    if (!hooks.afterBranchCreated && !existsSync(path)) {
      const made = await git.raw(["worktree", "add", "-q", "--no-track", "-b", branch, path, startPoint]).then(() => true, () => false);
      if (made) return "fresh";
    }
    let outcome: "fresh" | "existing" = "existing";
    if (!(await git.revParse(`refs/heads/${branch}`))) {
      await git.raw(["branch", "--no-track", "--end-of-options", branch, startPoint]);
      outcome = "fresh";
    }
    await hooks.afterBranchCreated?.();
    const registered = (await git.listWorktrees()).find((w) => resolve(w.path) === resolve(path));
    if (registered) {
      if (registered.branch === branch && existsSync(join(path, ".git"))) return outcome;
      await git.raw(["worktree", "prune"]);
    }
    if (existsSync(path)) await clearHalfMadeWorktree(path);
    try {
      await git.raw(["worktree", "add", "-q", path, branch]);
    } catch {
      // A registration whose directory is gone (or a half-written one) blocks `worktree add`: prune and try once more.
      await git.raw(["worktree", "prune"]);
      if (existsSync(path)) await clearHalfMadeWorktree(path);
      await git.raw(["worktree", "add", "-q", path, branch]);
    }
    return outcome;
  });
}

/** Removes `path` when it is what a killed `git worktree add` leaves: empty, or only a `.git` file whose admin dir is gone or unfinished. */
async function clearHalfMadeWorktree(path: string): Promise<void> {
  const entries = readdirSync(path);
  const onlyGitFile = entries.length === 1 && entries[0] === ".git" && statSync(join(path, ".git")).isFile();
  if (entries.length === 0 || (onlyGitFile && !adminDirComplete(join(path, ".git")))) {
    await rm(path, { recursive: true, force: true });
    return;
  }
  throw new WeaveError("worktree-conflict", `${path} exists and is not a weave worktree`, { hint: "move it away; weave will not overwrite it" });
}

function adminDirComplete(gitFile: string): boolean {
  const match = /^gitdir: (.*)$/m.exec(readFileSync(gitFile, "utf8"));
  if (!match) return false;
  const admin = isAbsolute(match[1]!.trim()) ? match[1]!.trim() : resolve(gitFile, "..", match[1]!.trim());
  return existsSync(join(admin, "commondir")) && existsSync(join(admin, "HEAD"));
}
