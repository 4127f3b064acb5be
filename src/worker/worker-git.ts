/**
 * Worker git: the few git operations a worker needs in its checkout (a local worktree or an Actions clone), on the one
 * executor (git/git-executor.ts).
 * Responsibilities: where HEAD is, commit everything as a checkpoint, discard a failed attempt (back to its
 * checkpoint, its own commits included), whether the milestone changed any file, read checkpoint messages since the
 * target, publish (push) the branch when the home needs it.
 * Not here: merging (local/local-merge.ts, github/merge-back.ts), worktree creation (local/worktree-create.ts).
 * Invariants: a failed git command throws a WeaveError with a code (ports/git.ts) and git's own last words.
 */
import { createGit } from "../git/git-executor.js";
import type { Git, GitEnv } from "../ports/git.js";

export interface WorkerGit {
  currentBranch(): Promise<string>;
  head(): Promise<string>;
  /** Branch name (empty when detached), commit of HEAD and whether there are uncommitted changes, in one call. */
  whereAmI(): Promise<CheckoutState>;
  /** Stage everything (respecting .gitignore) and commit, allowing an empty commit. Returns the new HEAD. */
  commitAll(message: string): Promise<string>;
  /** Drop uncommitted changes, tracked and untracked (not ignored files). */
  discardChanges(): Promise<void>;
  /** Move the branch back to `sha` (a checkpoint), dropping later commits and uncommitted changes. */
  resetTo(sha: string): Promise<void>;
  /** True when HEAD's tree differs from the merge base with `base` (the milestone changed some file). */
  changedSince(base: string): Promise<boolean>;
  /** True when the checkout has uncommitted changes (ignored files aside). */
  isDirty(): Promise<boolean>;
  /** Full messages of commits on HEAD that are not on `base`. */
  messagesSince(base: string): Promise<string[]>;
  /** Make the checkpoint durable beyond this machine (push); a no-op locally. */
  publish(): Promise<void>;
}

export interface CheckoutState {
  branch: string;
  head: string;
  /** Uncommitted changes, tracked or untracked (ignored files aside), as `isDirty` says. */
  dirty: boolean;
}

/** Reads `git status --porcelain=v2 --branch` output: the `# branch.*` headers, then one line per change. */
export function parseStatusV2(out: string): CheckoutState {
  let head = "";
  let branch = "";
  let dirty = false;
  for (const line of out.split("\n")) {
    if (line.startsWith("# branch.oid ")) head = line.slice("# branch.oid ".length).trim();
    else if (line.startsWith("# branch.head ")) branch = line.slice("# branch.head ".length).trim();
    else if (line !== "" && !line.startsWith("#")) dirty = true;
  }
  return { head: head === "(initial)" ? "" : head, branch: branch === "(detached)" ? "" : branch, dirty };
}

export function createWorkerGit(cwd: string, options: { publish?: (git: Git) => Promise<void>; env?: GitEnv } = {}): WorkerGit {
  const executor = createGit(cwd, { env: options.env });
  const git = (args: readonly string[]): Promise<string> => executor.run(args);
  return {
    currentBranch: async () => (await git(["symbolic-ref", "--quiet", "--short", "HEAD"]).catch(() => "")).trim(),
    head: async () => (await git(["rev-parse", "HEAD"])).trim(),
    whereAmI: async () => parseStatusV2(await git(["status", "--porcelain=v2", "--branch", "--untracked-files=normal"])),
    isDirty: async () => (await git(["status", "--porcelain", "--untracked-files=normal"])).trim() !== "",
    commitAll: async (message) => {
      await git(["add", "-A"]);
      // No auto-maintenance after a checkpoint: it is one more git process per task, and the repository's own
      // commands (and weave's merges in the main checkout) still run it.
      await git(["-c", "maintenance.auto=false", "commit", "--allow-empty", "--no-verify", "-q", "-m", message]);
      return (await git(["rev-parse", "HEAD"])).trim();
    },
    discardChanges: async () => {
      await git(["reset", "-q", "--hard", "HEAD"]);
      await git(["clean", "-q", "-fd"]);
    },
    resetTo: async (sha) => {
      await git(["reset", "-q", "--hard", sha]);
      await git(["clean", "-q", "-fd"]);
    },
    changedSince: async (base) => (await git(["diff", "--name-only", "--end-of-options", `${base}...HEAD`, "--"])).trim() !== "",
    messagesSince: async (base) => {
      const out = await git(["log", "--format=%B%x00", "--end-of-options", `${base}..HEAD`, "--"]);
      return out.split("\0").map((m) => m.trim()).filter(Boolean);
    },
    publish: async () => options.publish?.(executor),
  };
}
