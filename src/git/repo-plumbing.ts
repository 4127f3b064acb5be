/**
 * Repository plumbing shared by the homes that merge: the local main checkout (local/repo-git.ts) and the App's bare
 * mirror (github/repo-mirror.ts) compute merges the same way, on the one executor (git/git-executor.ts).
 * Responsibilities: resolve refs and branch heads, `git merge-tree --write-tree` (exit 0 clean, 1 conflicts, else an
 * error), `commit-tree`, a compare-and-swap `update-ref`, changed files, merge base and ancestry, and a tree with
 * some paths taken from another commit (built in a private index, never touching a work tree).
 * Not here: worktrees, the checkout and pushes of the local home (local/repo-git.ts); fetches and pushes to GitHub
 * (github/repo-mirror.ts); the worker's own commits (worker/worker-git.ts).
 * Invariants: nothing here force-moves a ref or touches a work tree or the repository's index; user values (branch,
 * ref, path) follow `--end-of-options` or `--`; failures are WeaveErrors with a code (ports/git.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWeaveError } from "../core/errors.js";
import type { Git } from "../ports/git.js";
import { gitRefusal } from "./git-refusals.js";

export interface MergeTreeResult {
  clean: boolean;
  tree: string;
  conflicts: string[];
}

export interface RepoPlumbing {
  root: string;
  /** git's output on exit 0 (ports/git.ts `run`). */
  raw(args: readonly string[]): Promise<string>;
  /** The commit `ref` names, undefined when it names none. */
  revParse(ref: string): Promise<string | undefined>;
  /** Commits of several branches in one call (a missing branch is absent from the map). */
  branchHeads(branches: readonly string[]): Promise<Map<string, string>>;
  mergeTree(ours: string, theirs: string): Promise<MergeTreeResult>;
  commitTree(tree: string, parents: readonly string[], message: string): Promise<string>;
  /** Moves `ref` from `expectedOld` to `next`; false if it had moved (compare-and-swap). */
  updateRef(ref: string, next: string, expectedOld: string): Promise<boolean>;
  changedFiles(base: string, head: string): Promise<string[]>;
  mergeBase(a: string, b: string): Promise<string>;
  isAncestor(commit: string, of: string): Promise<boolean>;
  /** `tree` with `paths` replaced by their version in `from` (removed where `from` has none). */
  overlayPaths(tree: string, from: string, paths: readonly string[]): Promise<string>;
}

export function createRepoPlumbing(git: Git): RepoPlumbing {
  const raw = (args: readonly string[]): Promise<string> => git.run(args);
  return {
    root: git.cwd,
    raw,
    revParse: async (ref) => {
      const r = await git.exec(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
      return r.code === 0 ? r.stdout.trim() || undefined : undefined;
    },
    branchHeads: async (branches) => {
      const out = await raw(["for-each-ref", "--format=%(refname) %(objectname)", "--end-of-options", ...branches.map((b) => `refs/heads/${b}`)]);
      const heads = new Map<string, string>();
      for (const line of out.split("\n")) {
        const [ref, sha] = line.split(" ");
        const name = ref?.slice("refs/heads/".length);
        if (name && sha && branches.includes(name)) heads.set(name, sha);
      }
      return heads;
    },
    mergeTree: async (ours, theirs) => {
      // Exit 0: clean, stdout is the tree. Exit 1: conflicts, the tree then the conflicted files. Else: an error.
      const args = ["merge-tree", "--write-tree", "--name-only", "--no-messages", "--end-of-options", ours, theirs];
      const r = await git.exec(args);
      const lines = r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
      const tree = lines[0] ?? "";
      if ((r.code !== 0 && r.code !== 1) || !/^[0-9a-f]{40,64}$/.test(tree)) throw gitRefusal(args, r.code === 0 ? { ...r, code: -1 } : r);
      return { clean: r.code === 0, tree, conflicts: r.code === 0 ? [] : [...new Set(lines.slice(1))].sort() };
    },
    commitTree: async (tree, parents, message) => (await raw(["commit-tree", ...parents.flatMap((p) => ["-p", p]), "-m", message, "--end-of-options", tree])).trim(),
    updateRef: async (ref, next, expectedOld) => {
      try {
        await raw(["update-ref", "--end-of-options", ref, next, expectedOld]);
        return true;
      } catch (e) {
        if (isWeaveError(e, "head-moved")) return false;
        throw e;
      }
    },
    changedFiles: async (base, head) => (await raw(["diff", "--name-only", "--end-of-options", `${base}...${head}`, "--"])).split("\n").filter(Boolean),
    mergeBase: async (a, b) => (await raw(["merge-base", "--end-of-options", a, b])).trim(),
    isAncestor: async (commit, of) => (await git.exec(["merge-base", "--is-ancestor", "--end-of-options", commit, of])).code === 0,
    overlayPaths: async (tree, from, paths) => {
      const dir = await mkdtemp(join(tmpdir(), "weave-index-"));
      const env = { GIT_INDEX_FILE: join(dir, "index") };
      try {
        const step = (args: readonly string[]): Promise<string> => git.run(args, { env });
        await step(["read-tree", "--end-of-options", tree]);
        for (const path of paths) {
          const entry = (await step(["ls-tree", "--end-of-options", from, "--", path])).trim();
          const match = /^(\d+) blob ([0-9a-f]+)\t/.exec(entry);
          if (match) await step(["update-index", "--add", "--cacheinfo", `${match[1]},${match[2]},${path}`]);
          else await step(["update-index", "--force-remove", "--", path]);
        }
        return (await step(["write-tree"])).trim();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
