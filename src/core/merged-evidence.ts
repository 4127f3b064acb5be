/**
 * Merged evidence: which milestones the target's history proves landed, read so that a milestone branch's own commits
 * can never mark any milestone merged (issue 13: an agent may write any commit message on its branch).
 * Responsibilities: the first-parent chain of a listed page of commits (newest first, as GitHub's list-commits gives
 * them); the milestone ids a commit message's `Weave-Merged` / `Weave-Milestone` trailers name, counted only when
 * every such trailer in that message names the same one milestone (weave's merge and squash commits do; a person's
 * squash of a branch whose commits carry forged trailers for others does not, and that PR counts through GitHub's
 * record of it instead).
 * Not here: listing commits (github/repo-client.ts, and the local `git log --first-parent` walk in local/repo-git.ts,
 * which judges its messages here too), what a reconcile does with the ids (github/reconcile-repo.ts).
 * Invariants: pure; a commit off the first-parent chain never counts; a message naming two milestones counts for none.
 */
import { TRAILER } from "./trailers.js";

export interface ListedCommit {
  sha: string;
  parents: readonly string[];
  message: string;
}

/** The commits of `page` on the first-parent chain of its first (newest) commit, in order, as far as the page goes. */
export function firstParentChain(page: readonly ListedCommit[]): ListedCommit[] {
  const bySha = new Map(page.map((c) => [c.sha, c]));
  const chain: ListedCommit[] = [];
  for (let c = page[0]; c && chain.length < page.length; c = c.parents[0] === undefined ? undefined : bySha.get(c.parents[0])) chain.push(c);
  return chain;
}

/** weave's landing trailers, `Weave-Merged` and `Weave-Milestone` (core/trailers.ts names them). */
const LANDING = new RegExp(`^(${TRAILER.merged}|${TRAILER.milestone}): *(\\S+) *$`, "gm");

/**
 * The milestone ids `messages` prove landed: with `trailer` "Merged", only weave's merge trailer counts; with
 * "Merged|Milestone", its milestone trailer too. A message whose weave trailers name more than one id counts for none.
 */
export function landedIds(messages: readonly string[], trailer: "Merged|Milestone" | "Merged" = "Merged|Milestone"): Set<string> {
  const ids = new Set<string>();
  for (const message of messages) {
    const named = [...message.matchAll(LANDING)];
    const distinct = new Set(named.map((m) => m[2]!));
    if (distinct.size !== 1) continue;
    if (named.some((m) => trailer.split("|").includes(m[1]!.slice("Weave-".length)))) ids.add([...distinct][0]!);
  }
  return ids;
}
