/**
 * A merge in progress in the worker's checkout, as a resolve run sees it: whether one is under way, which paths are
 * still unmerged, weave's own paths taken from the milestone's side, and which files still hold conflict markers.
 * Responsibilities: the git questions and the one index fix (take ours) a resolve run asks of its checkout.
 * Not here: starting, committing or aborting the merge and the agent run around it (worker/resolve-conflicts.ts);
 * which paths are weave's own (core/weave-owned-paths.ts).
 * Invariants: nothing here commits, pushes or moves HEAD; every path goes after `--`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** Runs git with arguments in the checkout; rejects on a non-zero exit. */
export type RunGit = (args: readonly string[]) => Promise<string>;

/** Conflict markers git writes, at the start of a line. */
const MARKER = /^(<{7}|>{7})(?: |\r?$)/m;

export function mergeInCheckout(git: RunGit, cwd: string) {
  return {
    async inProgress(): Promise<boolean> {
      return await git(["rev-parse", "-q", "--verify", "MERGE_HEAD"]).then(() => true, () => false);
    },

    /** MERGE_HEAD's sha, or "" when no merge is in progress. */
    async mergeHead(): Promise<string> {
      return await git(["rev-parse", "-q", "--verify", "MERGE_HEAD"]).then((s) => s.trim(), () => "");
    },

    async isAncestor(a: string, b: string): Promise<boolean> {
      return await git(["merge-base", "--is-ancestor", a, b]).then(() => true, () => false);
    },

    /** Paths with unmerged index entries, each once, in git's order. */
    async unmergedPaths(): Promise<string[]> {
      const out = await git(["ls-files", "-u", "-z"]);
      const paths = out.split("\0").filter(Boolean).map((entry) => entry.slice(entry.indexOf("\t") + 1));
      return [...new Set(paths)];
    },

    /** weave's own paths belong to the milestone: its side wins, a deletion on its side included. */
    async takeOurs(paths: readonly string[]): Promise<void> {
      if (paths.length === 0) return;
      const stages = await git(["ls-files", "-u", "-z", "--", ...paths]);
      const withOurs = new Set(stages.split("\0").filter(Boolean).filter((e) => e.split(/\s+/)[2] === "2").map((e) => e.slice(e.indexOf("\t") + 1)));
      const keep = paths.filter((p) => withOurs.has(p));
      const drop = paths.filter((p) => !withOurs.has(p));
      if (keep.length > 0) {
        await git(["checkout", "--ours", "--", ...keep]);
        await git(["add", "--", ...keep]);
      }
      if (drop.length > 0) await git(["rm", "-q", "-f", "--ignore-unmatch", "--", ...drop]);
    },

    /** Of `files`, those that still hold conflict markers (a deleted file holds none). */
    async withMarkers(files: readonly string[]): Promise<string[]> {
      const found: string[] = [];
      for (const file of files) {
        const text = await readFile(join(cwd, file), "utf8").catch(() => "");
        if (MARKER.test(text)) found.push(file);
      }
      return found;
    },
  };
}
