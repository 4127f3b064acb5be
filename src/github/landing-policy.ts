/**
 * Landing policy: the next step for a milestone PR, from what GitHub shows of it (`mergeable_state`, auto-merge)
 * and whether its target has a merge queue.
 * Responsibilities: merge when GitHub would merge now; update a branch that is behind (strict required checks) and
 * keep auto-merge on, since GitHub's auto-merge never updates a branch; on queue branches arm auto-merge (GitHub
 * queues the PR once it is ready) and enqueue only a PR that can enter now; otherwise wait for checks or reviews.
 * Not here: the calls (github/pull-merge.ts); the git analysis and conflicts (github/merge-back.ts).
 * Invariants: pure; a queue target is never merged around its queue; a behind PR is never merged directly.
 */

export interface PullSituation {
  /** GitHub's `mergeable_state`: clean, unstable, has_hooks, behind, blocked, dirty, draft, unknown. */
  mergeableState: string;
  /** Auto-merge (or "merge when ready" on a queue branch) is armed on the PR. */
  autoMerge: boolean;
  /** The target's rules put merges through a merge queue. */
  queue: boolean;
  /** The target's rules ask for checks or reviews (rulesets or classic protection). */
  requiresChecks: boolean;
}

export type LandingStep =
  /** Merge with the head sha now. */
  | { kind: "merge" }
  /** Bring the branch up to date with the target (`update-branch` with the head seen); arm auto-merge first. */
  | { kind: "update-branch"; armAutoMerge: boolean }
  /** Let GitHub merge (or queue) it once its requirements pass. */
  | { kind: "auto-merge" }
  /** Add it to the merge queue now: it can enter. */
  | { kind: "enqueue" }
  /** Nothing to send: GitHub is already set to land it, or it waits for checks or reviews. */
  | { kind: "wait"; why: string }
  /** GitHub sees a conflict git did not (the target moved): analyse again. */
  | { kind: "reanalyse" };

const READY = new Set(["clean", "unstable", "has_hooks"]);

export function nextLandingStep(p: PullSituation): LandingStep {
  if (p.mergeableState === "dirty") return { kind: "reanalyse" };
  if (p.mergeableState === "draft") return { kind: "wait", why: "the PR is a draft" };
  if (p.queue) {
    if (READY.has(p.mergeableState)) return { kind: "enqueue" };
    if (p.mergeableState === "behind") return { kind: "update-branch", armAutoMerge: !p.autoMerge };
    return p.autoMerge ? { kind: "wait", why: "GitHub queues it once its required checks pass" } : { kind: "auto-merge" };
  }
  if (p.mergeableState === "behind") return { kind: "update-branch", armAutoMerge: !p.autoMerge };
  if (READY.has(p.mergeableState)) return { kind: "merge" };
  // No rules weave can see, or mergeability not computed yet where none ask for checks: try at once (GitHub decides
  // on the merge itself; rules weave cannot see refuse it, and the refusal says what to do).
  if (!p.requiresChecks) return { kind: "merge" };
  return p.autoMerge ? { kind: "wait", why: "auto-merge is on: GitHub merges it once required checks and reviews pass" } : { kind: "auto-merge" };
}
