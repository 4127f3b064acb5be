/**
 * Job outcome: what a milestone's job has come to, from GitHub's word on its run and the branch's checkpoints.
 * Responsibilities: a completed run whose branch holds every task's checkpoint is finished (not requeued); a run
 * that ended otherwise is dead.
 * Not here: reading the run and the branch (github/run-watch.ts), the move itself (github/mutate-record.ts), the
 * reason a dead job's record carries (core/failure-reasons.ts `diedReason`, written by reconcile/observe.ts, the same
 * words in both homes), an unasked `stopped` (reconcile/observe.ts).
 * Invariants: pure; a job's own words never finish a milestone — only the branch's checkpoints do.
 */

/** GitHub's answer for a run (`GET /actions/runs/{id}`), as far as this needs it. */
export interface RunState {
  status: string;
  conclusion: string | null;
}

export type JobVerdict =
  | { kind: "alive" }
  | { kind: "finished"; tasksDone: number; costUsd: number; costUnknown?: true }
  | { kind: "dead" };

/** A run GitHub calls completed, judged by the checkpoints `progress` read from its branch. */
export function judgeRun(run: RunState, progress: { tasksDone: number; costUsd: number; costUnknown?: boolean }, tasks: number): JobVerdict {
  if (run.status !== "completed") return { kind: "alive" };
  if (progress.tasksDone >= tasks) return { kind: "finished", tasksDone: progress.tasksDone, costUsd: progress.costUsd, ...(progress.costUnknown ? { costUnknown: true } : {}) };
  return { kind: "dead" };
}

