/**
 * Repository git for the local coordinator: the main checkout, worktrees, branches, the merged-milestone scan and
 * pushes, on top of the shared merge plumbing (git/repo-plumbing.ts) and the one executor (git/git-executor.ts).
 * Responsibilities: preflight queries, worktree add/remove (local/worktree-create.ts makes them safe), merged-milestone
 * scan (the target's first-parent messages, judged by core/merged-evidence.ts as the App judges them), the main
 * checkout's fast-forward, pushes.
 * Not here: merge policy (local/local-merge.ts); `merge-tree`, `commit-tree`, compare-and-swap ref updates
 * (git/repo-plumbing.ts); the worker's own commits (worker/worker-git.ts).
 * Invariants: failures are WeaveErrors with a code (a refused push is `head-moved`); nothing here force-updates a ref.
 */
import { createGit } from "../git/git-executor.js";
import type { RepoPlumbing } from "../git/repo-plumbing.js";
import { createRepoPlumbing } from "../git/repo-plumbing.js";
import { ensureWorktree, serialiseWorktreeAdmin } from "./worktree-create.js";
import { landedIds } from "../core/merged-evidence.js";
import { TRAILER } from "../core/trailers.js";

export type { MergeTreeResult } from "../git/repo-plumbing.js";

export interface RepoGit extends RepoPlumbing {
  currentBranch(): Promise<string | undefined>;
  statusPorcelain(): Promise<string>;
  isIgnored(path: string): Promise<boolean>;
  /** A worktree of `branch` (created at `startPoint` when missing); safe under concurrency and after a crash part-way. */
  addWorktree(path: string, branch: string, startPoint: string): Promise<void>;
  removeWorktree(path: string): Promise<void>;
  listWorktrees(): Promise<{ path: string; branch?: string }[]>;
  listBranches(prefix: string): Promise<string[]>;
  deleteBranch(branch: string): Promise<void>;
  /**
   * IDs that `Weave-Merged:` trailers on `target`'s first-parent chain prove landed (never a branch's own commits), by
   * core/merged-evidence.ts's rule: a message whose weave trailers name two milestones counts for none.
   */
  mergedMilestones(target: string): Promise<Set<string>>;
  /** Fast-forwards the checked-out branch of the main checkout (working tree included) to `commit`. */
  fastForwardCheckout(commit: string): Promise<void>;
  push(remote: string, branch: string): Promise<void>;
  remotes(): Promise<string[]>;
}

export function createRepoGit(root: string): RepoGit {
  const git = createGit(root);
  const plumbing = createRepoPlumbing(git);
  const { raw } = plumbing;
  /** Trimmed output on exit 0, undefined on any other exit (the questions whose "no" is a failing exit). */
  const quiet = async (args: string[]): Promise<string | undefined> => {
    const r = await git.exec(args);
    return r.code === 0 ? r.stdout.trim() : undefined;
  };
  const repo: RepoGit = {
    ...plumbing,
    currentBranch: async () => (await quiet(["symbolic-ref", "--quiet", "--short", "HEAD"])) || undefined,
    statusPorcelain: async () => raw(["status", "--porcelain", "--untracked-files=normal"]),
    // `git check-ignore -q` answers by exit code alone (0 ignored, 1 not).
    isIgnored: async (path) => (await git.exec(["check-ignore", "-q", "--", path])).code === 0,
    addWorktree: async (path, branch, startPoint) => ensureWorktree(repo, path, branch, startPoint),
    removeWorktree: async (path) => serialiseWorktreeAdmin(root, async () => {
      if ((await quiet(["worktree", "remove", "--force", "--end-of-options", path])) === undefined) await quiet(["worktree", "prune"]);
    }),
    listWorktrees: async () => {
      const out = await raw(["worktree", "list", "--porcelain"]);
      return out.split("\n\n").filter(Boolean).map((block) => ({
        path: /^worktree (.*)$/m.exec(block)?.[1] ?? "",
        branch: /^branch refs\/heads\/(.*)$/m.exec(block)?.[1],
      }));
    },
    listBranches: async (prefix) => (await raw(["for-each-ref", "--format=%(refname:short)", "--end-of-options", `refs/heads/${prefix}`])).split("\n").filter(Boolean),
    deleteBranch: async (branch) => serialiseWorktreeAdmin(root, async () => {
      // Another git process in this repository (a merge, a worktree being added) can hold a lock for a moment, and a
      // worktree removed a moment ago may still be registered: prune and try again before giving up quietly.
      for (let attempt = 0; attempt < 3; attempt++) {
        if ((await quiet(["branch", "-D", "--end-of-options", branch])) !== undefined) return;
        if ((await quiet(["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${branch}`])) === undefined) return;
        await quiet(["worktree", "prune"]);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }),
    mergedMilestones: async (target) => {
      // Only the target's first-parent chain counts: weave's own merge commits sit there, a milestone branch's own
      // commits (whatever their messages say) only ever behind a merge's second parent.
      // What counts is the App's rule too (core/merged-evidence.ts `landedIds`, weave's merge trailer only): the grep
      // only narrows the walk to messages that could count.
      const out = (await quiet(["log", "--first-parent", `--grep=^${TRAILER.merged}:`, "--format=%B%x00", "--end-of-options", `refs/heads/${target}`, "--"])) ?? "";
      return landedIds(out.split("\0"), "Merged");
    },
    fastForwardCheckout: async (commit) => {
      await raw(["-c", "maintenance.auto=false", "merge", "--ff-only", "-q", "--end-of-options", commit]);
    },
    push: async (remote, branch) => {
      await raw(["push", "-q", "--end-of-options", remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    },
    remotes: async () => (await raw(["remote"])).split("\n").filter(Boolean),
  };
  return repo;
}
