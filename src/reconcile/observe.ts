/**
 * Observe: from what is known of one milestone's worker — its report, whether it is alive, how old its last sign
 * is, what its branch shows, the budget and what a person asked — the move its record makes. Both homes call it:
 * the local coordinator per worker (local/run-context.ts), the App per heartbeat and per judged job
 * (github/mutate-record.ts, github/run-watch.ts).
 * Responsibilities: the rules for a worker's final word (finished, failed, paused, stopped, died), a worker gone
 * without one, a worker gone silent, a `finished` the branch does not show, a resolve job's end; the reasons
 * (core/failure-reasons.ts).
 * Not here: reading reports, processes, heartbeats or branches (each home), the lifecycle table (core/lifecycle.ts),
 * what follows a move (reconcile/decide.ts: requeue, fail, merge).
 * Invariants: pure; only a record a worker holds (claimed, running, stale) moves; never to `merged`; a report's fields
 * are taken only with the move that trusts them (an unproven `finished` gives nothing).
 */
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import {
  diedReason, pausedAfterLastTaskReason, REASONS, resolveEndedReason, staleReason, UNASKED_STOP, unprovenFinishReason,
} from "../core/failure-reasons.js";
import type { MilestoneState } from "../core/lifecycle.js";
import type { MilestoneCore } from "../core/milestone-record.js";
import { FINAL_WORKER_STATES } from "../ports/reporter.js";
import type { WorkerSignal, WorkerStatus } from "../ports/reporter.js";

/** What a worker's report says, as far as the record takes it. */
export type WorkerReport = Pick<WorkerStatus, "state" | "tasksDone" | "costUsd" | "costUnknown" | "headSha" | "verify" | "error" | "lastOutput">;

/** Whether the worker is there: a local process checked, a job that ended; `unknown` when nothing says (a heartbeat). */
export type Liveness = "alive" | "gone" | "unknown";

export interface ObserveInput {
  id: string;
  record: Pick<MilestoneCore, "state" | "tasks" | "reason"> & { resolving?: boolean };
  /** The worker's last report for this attempt, if any. */
  report?: WorkerReport;
  liveness: Liveness;
  /** Seconds since the worker's last sign (report, heartbeat, start); undefined when unknown. */
  silentForS?: number;
  timeoutS: number;
  /** Why the branch does not show a `finished` claim; undefined when it does (or the home does not ask). */
  finishNotShown?: string;
  /** What is known of how a gone worker ended (a job's conclusion), for its reason. */
  endedHow?: string;
  /** The run is stopped at its budget (or the spend reached it). */
  budgetStopped: boolean;
  /** What a person (or the budget) asked the worker: pause or stop. */
  signal?: WorkerSignal;
  /** How a person spells commands in this home (`weave`, `/weave`), for reasons that say what to do. */
  command: string;
}

export interface Transition {
  /** The state the record moves to; undefined: it stays. */
  to?: MilestoneState;
  /** The record's new reason; undefined: it keeps its own (null: cleared). */
  reason?: string | null;
  /** The report's fields the record takes (progress, spend, head, verify; the error's output on failure). */
  take?: { tasksDone: number; costUsd: number; costUnknown?: boolean; headSha?: string; verify?: WorkerStatus["verify"]; lastOutput?: string[] };
  /** The worker's work is done: `finishedAt` is now. */
  finished?: boolean;
  /** The worker is not to go on: a stale one is made to go (killed, its run cancelled). */
  kill?: boolean;
  /** A resolve job ended: `resolving` clears (and a finished one ends the conflict's resolve attempts). */
  resolveEnded?: boolean;
}

export function observeWorker(input: ObserveInput): Transition {
  const { record, report } = input;
  if (!WORKER_HELD_STATES.has(record.state)) return {};
  const take = report ? takeFrom(report, record.tasks) : undefined;
  // A final word counts once the worker is not seen alive (a local worker writes it just before it exits).
  if (report && FINAL_WORKER_STATES.has(report.state) && input.liveness !== "alive") return finalWord(input, report, take!);
  if (input.liveness === "gone") return gone(input, take, input.endedHow);
  if (input.silentForS !== undefined && input.silentForS > input.timeoutS) {
    if (record.resolving) return { to: "conflict", reason: resolveEndedReason(input.id, "went silent", `${input.command} merge`), take, kill: true, resolveEnded: true };
    return { to: "stale", reason: staleReason(input.silentForS), take, kill: true };
  }
  // Any report of this attempt says the worker runs (a `starting` one too: it is there).
  return { to: report && record.state !== "running" ? "running" : undefined, take };
}

function finalWord(input: ObserveInput, report: WorkerReport, take: NonNullable<Transition["take"]>): Transition {
  const { id, record, budgetStopped } = input;
  switch (report.state) {
    case "finished":
      // Nothing of an unproven claim is taken: not its task count, not its verify.
      if (input.finishNotShown !== undefined) return { reason: unprovenFinishReason(input.finishNotShown) };
      if (input.signal === "pause" && !budgetStopped) {
        // The pause came during the last task: the work is kept (every task is checkpointed on weave/<ID>) and the
        // milestone is held, not merged, as the person asked; resuming lets it verify and merge.
        return { to: "paused", reason: pausedAfterLastTaskReason(id, record.tasks, `${input.command} resume`), take, finished: true, resolveEnded: record.resolving };
      }
      return { to: "finished", reason: null, take, finished: true, resolveEnded: record.resolving };
    case "failed":
      if (record.resolving) return { to: "conflict", reason: resolveEndedReason(id, `could not resolve the conflict: ${report.error ?? REASONS.failed}`, `${input.command} merge`), take, resolveEnded: true };
      return { to: "failed", reason: report.error ?? REASONS.failed, take: { ...take, lastOutput: report.lastOutput } };
    case "paused":
      return budgetStopped ? { to: "stopped", reason: REASONS.budgetReached, take } : { to: "paused", reason: REASONS.paused, take };
    case "stopped":
      if (budgetStopped) return { to: "stopped", reason: REASONS.budgetReached, take };
      // A bare stop no person and no budget asked for: the worker's main step died and its post step said so (a
      // stop the worker gives its own reason for, a task's limit, is a stop).
      if (input.signal !== "stop" && report.error === undefined) return gone(input, take, UNASKED_STOP);
      return { to: "stopped", reason: report.error ?? record.reason ?? REASONS.stopped, take };
    default: // died: the post step's word for a main step that ended without a final report
      return gone(input, take, undefined, report.error);
  }
}

/** The worker is gone without a final word: requeue (stale) unless a person or the budget stopped it, or it was resolving. */
function gone(input: ObserveInput, take: Transition["take"], how: string | undefined, ownWords?: string): Transition {
  const { id, record } = input;
  if (record.resolving) return { to: "conflict", reason: resolveEndedReason(id, `ended${how ? ` (${how})` : ""} without a final report`, `${input.command} merge`), take, resolveEnded: true };
  if (input.signal === "stop" || input.budgetStopped) return { to: "stopped", reason: input.budgetStopped ? REASONS.budgetReached : REASONS.stopped, take };
  if (input.signal === "pause") return { to: "paused", reason: REASONS.paused, take };
  return { to: "stale", reason: ownWords ?? diedReason(how), take, kill: true };
}

function takeFrom(report: WorkerReport, tasks: number): NonNullable<Transition["take"]> {
  return {
    tasksDone: Math.min(report.tasksDone, tasks),
    costUsd: report.costUsd,
    ...(report.costUnknown ? { costUnknown: true } : {}),
    ...(report.headSha !== undefined ? { headSha: report.headSha } : {}),
    ...(report.verify !== undefined ? { verify: report.verify } : {}),
  };
}

/** The record fields a transition writes in every home (each home adds its own: a heartbeat's time, a process's output). */
export type ObservedRecord = Pick<MilestoneCore, "state" | "tasksDone" | "costUsd" | "headSha" | "verify" | "finishedAt" | "reason">;

/**
 * Writes `t` onto `record`: the report's fields, `finishedAt`, the reason, and the move through the home's `move`
 * (which checks it against the lifecycle). True when the state changed.
 */
export function takeTransition(record: ObservedRecord, t: Transition, at: Date, move: (to: MilestoneState) => void): boolean {
  const before = record.state;
  if (t.take) {
    record.tasksDone = t.take.tasksDone;
    record.costUsd = t.take.costUsd;
    record.headSha = t.take.headSha ?? record.headSha;
    record.verify = t.take.verify ?? record.verify;
  }
  if (t.finished) record.finishedAt = at.toISOString();
  if (t.to !== undefined && t.to !== record.state) move(t.to);
  if (t.reason === null) record.reason = undefined;
  else if (t.reason !== undefined) record.reason = t.reason;
  return record.state !== before;
}
