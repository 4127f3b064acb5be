/**
 * Failure reasons: the words a milestone's record carries when its worker went stale, died, failed, stopped or paused,
 * or when the budget stopped it — written once, so the local CLI and the GitHub App say the same thing.
 * Responsibilities: the reason texts of the loop's own judgements (reconcile/observe.ts, reconcile/decide.ts).
 * Not here: a worker's own words (its error line, kept as it said it; the App neutralises it first), merge outcomes
 * (local/local-merge.ts, github/merge-back.ts), replies to people's commands (core/control.ts).
 * Invariants: pure text; code never branches on these strings (it branches on states and codes).
 */

export const REASONS = {
  budgetReached: "budget reached",
  stopped: "stopped",
  paused: "paused",
  /** The worker's `failed` report carried no error line. */
  failed: "failed",
} as const;

/** No sign of the worker for `seconds` (its heartbeat is older than `heartbeat_timeout`). */
export function staleReason(seconds: number): string {
  return `no heartbeat for ${Math.round(seconds)} s`;
}

/** The worker (process or job) ended without a final report; `how` says what is known of its end. */
export function diedReason(how?: string): string {
  return `its worker ended without a final report${how ? ` (${how})` : ""}`;
}

/** A `stopped` report that no person and no budget asked for: its main step died. */
export const UNASKED_STOP = "it reported stopped, and no one asked it to stop";

/** A `finished` claim the branch does not show (github/finish-evidence.ts says why). */
export function unprovenFinishReason(why: string): string {
  return `the worker reported finished, but ${why}`;
}

/** A pause that came during the last task: the work is kept and the milestone held, not merged. */
export function pausedAfterLastTaskReason(id: string, tasks: number, resume: string): string {
  return `pause came during its last task: all ${tasks} tasks are done and kept; \`${resume} ${id}\` lets it merge`;
}

/** A stale milestone put back to run again. */
export function requeuedReason(requeues: number, retries: number, after: string | undefined): string {
  return `requeued (${requeues}/${retries}) after: ${after ?? "going silent"}`;
}

/** A stale milestone out of retries. */
export function silentTooOftenReason(times: number, timeoutS: number): string {
  return `the worker went silent ${times} time${times > 1 ? "s" : ""} (heartbeat older than ${timeoutS} s or process gone)`;
}

/** A resolve job (`merge.resolve: agent`) that did not resolve the conflict: it stays for a person. */
export function resolveEndedReason(id: string, how: string, merge: string): string {
  return `the resolve job ${how}; resolve by hand, then \`${merge} ${id}\``;
}
