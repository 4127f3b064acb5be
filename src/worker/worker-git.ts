/**
 * Worker git: the few git operations a worker needs in its checkout (a local worktree or an Actions clone).
 * Responsibilities: where HEAD is, commit everything as a checkpoint, discard a failed attempt, read checkpoint
 * messages since the target, publish (push) the branch when the home needs it.
 * Not here: merging (local/local-merge.ts, github/), worktree creation (local/worktrees.ts).
 * Invariants: commits never skip hooks silently failing: a failed commit throws WeaveError("git-failed").
 */
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import { WeaveError } from "../core/errors.js";

export interface WorkerGit {
  currentBranch(): Promise<string>;
  head(): Promise<string>;
  /** Stage everything (respecting .gitignore) and commit, allowing an empty commit. Returns the new HEAD. */
  commitAll(message: string): Promise<string>;
  /** Drop uncommitted changes, tracked and untracked (not ignored files). */
  discardChanges(): Promise<void>;
  /** Full messages of commits on HEAD that are not on `base`. */
  messagesSince(base: string): Promise<string[]>;
  /** Make the checkpoint durable beyond this machine (push); a no-op locally. */
  publish(): Promise<void>;
}

export function gitFailure(action: string, e: unknown): WeaveError {
  const detail = e instanceof Error ? e.message.trim().split("\n").slice(-3).join(" ") : String(e);
  return new WeaveError("git-failed", `git ${action} failed: ${detail}`, { cause: e, hint: "run the same git command by hand to see the whole error" });
}

export function createWorkerGit(cwd: string, options: { publish?: (git: SimpleGit) => Promise<void>; env?: NodeJS.ProcessEnv } = {}): WorkerGit {
  const git = simpleGit({ baseDir: cwd });
  if (options.env) git.env(options.env);
  const wrap = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw gitFailure(action, e);
    }
  };
  return {
    currentBranch: () => wrap("rev-parse", async () => (await git.raw(["symbolic-ref", "--quiet", "--short", "HEAD"]).catch(() => "")).trim()),
    head: () => wrap("rev-parse", async () => (await git.raw(["rev-parse", "HEAD"])).trim()),
    commitAll: (message) =>
      wrap("commit", async () => {
        await git.raw(["add", "-A"]);
        await git.raw(["commit", "--allow-empty", "--no-verify", "-q", "-m", message]);
        return (await git.raw(["rev-parse", "HEAD"])).trim();
      }),
    discardChanges: () =>
      wrap("reset", async () => {
        await git.raw(["reset", "-q", "--hard", "HEAD"]);
        await git.raw(["clean", "-q", "-fd"]);
      }),
    messagesSince: (base) =>
      wrap("log", async () => {
        const out = await git.raw(["log", "--format=%B%x00", `${base}..HEAD`]);
        return out.split("\0").map((m) => m.trim()).filter(Boolean);
      }),
    publish: () => wrap("push", async () => options.publish?.(git)),
  };
}
