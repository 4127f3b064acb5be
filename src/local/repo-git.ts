/**
 * Repository git for the local coordinator: the main checkout, worktrees, branches, and merge plumbing.
 * Responsibilities: preflight queries, worktree add/remove, merged-milestone scan by trailer, `git merge-tree`
 * merges that never touch the working tree, compare-and-swap ref updates, pushes.
 * Not here: merge policy (local/local-merge.ts), the worker's own commits (worker/worker-git.ts).
 * Invariants: every failure is WeaveError("git-failed") with git's words; nothing here force-updates a ref.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGitRunner, gitFailure } from "../worker/worker-git.js";
import { ensureWorktree, serialiseWorktreeAdmin } from "./worktree-create.js";

export interface MergeTreeResult {
  clean: boolean;
  tree: string;
  conflicts: string[];
}

export interface RepoGit {
  root: string;
  raw(args: string[]): Promise<string>;
  currentBranch(): Promise<string | undefined>;
  revParse(ref: string): Promise<string | undefined>;
  /** Commits of several branches in one call (a missing branch is absent from the map). */
  branchHeads(branches: readonly string[]): Promise<Map<string, string>>;
  statusPorcelain(): Promise<string>;
  isIgnored(path: string): Promise<boolean>;
  /** A worktree of `branch` (created at `startPoint` when missing); safe under concurrency and after a crash part-way. */
  addWorktree(path: string, branch: string, startPoint: string): Promise<void>;
  removeWorktree(path: string): Promise<void>;
  listWorktrees(): Promise<{ path: string; branch?: string }[]>;
  listBranches(prefix: string): Promise<string[]>;
  deleteBranch(branch: string): Promise<void>;
  /** IDs named by `Weave-Merged:` trailers on commits of `target`'s first-parent chain (never a branch's own commits). */
  mergedMilestones(target: string): Promise<Set<string>>;
  mergeTree(ours: string, theirs: string): Promise<MergeTreeResult>;
  commitTree(tree: string, parents: string[], message: string): Promise<string>;
  /** Moves `ref` from `expectedOld` to `next`; false if it had moved (compare-and-swap). */
  updateRef(ref: string, next: string, expectedOld: string): Promise<boolean>;
  changedFiles(base: string, head: string): Promise<string[]>;
  /** `tree` with `paths` replaced by their version in `from` (removed where `from` has none). */
  overlayPaths(tree: string, from: string, paths: readonly string[]): Promise<string>;
  /** Fast-forwards the checked-out branch of the main checkout (working tree included) to `commit`. */
  fastForwardCheckout(commit: string): Promise<void>;
  push(remote: string, branch: string): Promise<void>;
  remotes(): Promise<string[]>;
}

export function createRepoGit(root: string): RepoGit {
  // Plain execFile, not simple-git: simple-git waits 50 ms after every git call that prints nothing (rev-parse of a
  // missing ref, branch, worktree add, merge --ff-only, update-ref…), several per milestone on the coordinator's path.
  const raw = createGitRunner(root);
  const quiet = async (args: string[]): Promise<string | undefined> => {
    try {
      return (await raw(args)).trim();
    } catch {
      return undefined;
    }
  };
  const repo: RepoGit = {
    root,
    raw,
    currentBranch: async () => (await quiet(["symbolic-ref", "--quiet", "--short", "HEAD"])) || undefined,
    revParse: async (ref) => (await quiet(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])) || undefined,
    branchHeads: async (branches) => {
      const out = await raw(["for-each-ref", "--format=%(refname) %(objectname)", ...branches.map((b) => `refs/heads/${b}`)]);
      const heads = new Map<string, string>();
      for (const line of out.split("\n")) {
        const [ref, sha] = line.split(" ");
        const name = ref?.slice("refs/heads/".length);
        if (name && sha && branches.includes(name)) heads.set(name, sha);
      }
      return heads;
    },
    statusPorcelain: async () => raw(["status", "--porcelain", "--untracked-files=normal"]),
    // `git check-ignore -q` answers by exit code alone (0 ignored, 1 not).
    isIgnored: async (path) => (await execGit(root, ["check-ignore", "-q", path])).code === 0,
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
    listBranches: async (prefix) => (await raw(["for-each-ref", "--format=%(refname:short)", `refs/heads/${prefix}`])).split("\n").filter(Boolean),
    deleteBranch: async (branch) => serialiseWorktreeAdmin(root, async () => {
      // Another git process in this repository (a merge, a worktree being added) can hold a lock for a moment, and a
      // worktree removed a moment ago may still be registered: prune and try again before giving up quietly.
      for (let attempt = 0; attempt < 3; attempt++) {
        if ((await quiet(["branch", "-D", branch])) !== undefined) return;
        if ((await quiet(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`])) === undefined) return;
        await quiet(["worktree", "prune"]);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }),
    mergedMilestones: async (target) => {
      // Only the target's first-parent chain counts: weave's own merge commits sit there, a milestone branch's own
      // commits (whatever their messages say) only ever behind a merge's second parent.
      const out = (await quiet(["log", "--first-parent", "--grep=^Weave-Merged:", "--format=%(trailers:key=Weave-Merged,valueonly,separator=%x0A)", "--end-of-options", `refs/heads/${target}`, "--"])) ?? "";
      return new Set(out.split("\n").map((s) => s.trim()).filter(Boolean));
    },
    mergeTree: async (ours, theirs) => {
      // Exit 0: clean, stdout is the tree. Exit 1: conflicts, the tree then the conflicted files. Else: an error.
      const { code, stdout, stderr } = await execGit(root, ["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs]);
      const lines = stdout.split("\n").map((l) => l.trim()).filter(Boolean);
      const tree = lines[0] ?? "";
      if ((code !== 0 && code !== 1) || !/^[0-9a-f]{40,64}$/.test(tree)) throw gitFailure("merge-tree", new Error(stderr || `exit ${code}`));
      return { clean: code === 0, tree, conflicts: code === 0 ? [] : [...new Set(lines.slice(1))].sort() };
    },
    commitTree: async (tree, parents, message) => (await raw(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message])).trim(),
    updateRef: async (ref, next, expectedOld) => (await quiet(["update-ref", ref, next, expectedOld])) !== undefined,
    changedFiles: async (base, head) => (await raw(["diff", "--name-only", "--end-of-options", `${base}...${head}`, "--"])).split("\n").filter(Boolean),
    overlayPaths: async (tree, from, paths) => {
      const dir = await mkdtemp(join(tmpdir(), "weave-index-"));
      const env = { ...process.env, GIT_INDEX_FILE: join(dir, "index") };
      try {
        const step = async (args: string[]): Promise<string> => {
          const r = await execGit(root, args, env);
          if (r.code !== 0) throw gitFailure(args[0]!, new Error(r.stderr));
          return r.stdout;
        };
        await step(["read-tree", tree]);
        for (const path of paths) {
          const entry = (await step(["ls-tree", from, "--", path])).trim();
          const match = /^(\d+) blob ([0-9a-f]+)\t/.exec(entry);
          if (match) await step(["update-index", "--add", "--cacheinfo", `${match[1]},${match[2]},${path}`]);
          else await step(["update-index", "--force-remove", "--", path]);
        }
        return (await step(["write-tree"])).trim();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    fastForwardCheckout: async (commit) => {
      await raw(["merge", "--ff-only", "-q", commit]);
    },
    push: async (remote, branch) => {
      await raw(["push", "-q", remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    },
    remotes: async () => (await raw(["remote"])).split("\n").filter(Boolean),
  };
  return repo;
}

function execGit(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
