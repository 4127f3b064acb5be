/**
 * The wire shape of a heartbeat or final report: what the Action tells the App about a worker.
 * Responsibilities: weave's own reason and the structured fields, picked one by one, never the agent's output (its
 * tail stays in the job log and the job summary), and a bounded reason.
 * Not here: sending it (action/https-reporter.ts, action/post.ts); the body's schema, which the App parses with
 * (core/contracts/heartbeat-body.ts).
 * Invariants: pure; a field reaches the App only when it is listed here, so a new WorkerStatus field stays on the
 * runner until someone decides it may leave; the body is built by the contract's own `heartbeatBody`.
 */
import { heartbeatBody } from "../core/contracts/heartbeat-body.js";
import type { WorkerStatus } from "../ports/reporter.js";

export type WireStatus = Omit<WorkerStatus, "lastOutput">;

/** Longest reason sent: weave's reasons are a line; anything longer was not written by weave. */
export const MAX_REASON_CHARS = 500;

export function toWireStatus(status: WorkerStatus): WireStatus {
  const wire: WireStatus = {
    milestone: status.milestone, runId: status.runId, state: status.state, tasksDone: status.tasksDone, tasks: status.tasks, costUsd: status.costUsd,
    pid: status.pid, startedAt: status.startedAt, updatedAt: status.updatedAt,
  };
  if (status.currentTask !== undefined) wire.currentTask = status.currentTask;
  if (status.currentTaskText !== undefined) wire.currentTaskText = status.currentTaskText;
  if (status.taskPid !== undefined) wire.taskPid = status.taskPid;
  if (status.costUnknown !== undefined) wire.costUnknown = status.costUnknown;
  if (status.headSha !== undefined) wire.headSha = status.headSha;
  if (status.verify !== undefined) {
    const { state, attempt, durationMs, exitCode } = status.verify;
    wire.verify = { state, attempt, ...(durationMs !== undefined ? { durationMs } : {}), ...(exitCode !== undefined ? { exitCode } : {}) };
  }
  if (status.error !== undefined) wire.error = status.error.length > MAX_REASON_CHARS ? `${status.error.slice(0, MAX_REASON_CHARS - 1)}…` : status.error;
  return wire;
}

/** The JSON text a job sends (heartbeat or final report): its wire status, its dispatch, the notes it took. */
export function wireBody(dispatchId: string | undefined, status: WorkerStatus, notesSeen?: readonly string[]): string {
  return JSON.stringify(heartbeatBody(dispatchId, toWireStatus(status), notesSeen));
}
