/**
 * Event inbox: what webhooks told since the last reconcile, waiting for it — commits pushed to branches, pull requests
 * closed, runs completed.
 * Responsibilities: let a reconcile use what a payload already said instead of asking GitHub again.
 * Not here: the handlers that fill it (github/handlers/); the reconcile that reads it (github/reconcile-repo.ts).
 * Invariants: everything here is a hint a reconcile could learn by asking; losing it (a restart) costs calls, never
 * correctness. `targetListed` stays false until the target's history was listed once in this process: pushes alone
 * are not enough before that.
 */
export interface PushedCommits {
  /** Messages of every pushed commit. */
  messages: string[];
  /** Messages of each push's head commit (the only ones a payload shows to be on the first-parent chain). */
  heads: string[];
  /** False when a payload may have been cut short. */
  complete: boolean;
}

export interface EventInbox {
  /** branch → commits pushed to it since the last reconcile. */
  pushed: Map<string, PushedCommits>;
  targetListed: boolean;
  /** PR number → merged, for weave PRs GitHub reported closed. */
  closedPulls: Map<number, boolean>;
  /** Runs GitHub reported complete (run id → conclusion), to tell a job that died from one that reported. */
  completedRuns: Map<number, string>;
}

export function createEventInbox(): EventInbox {
  return { pushed: new Map(), targetListed: false, closedPulls: new Map(), completedRuns: new Map() };
}
