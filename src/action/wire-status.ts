/**
 * The wire shape of a heartbeat or final report: what the Action tells the App about a worker.
 * Responsibilities: weave's own reason and the structured fields, never the agent's output (its tail stays in the
 * job log and the job summary), and a bounded reason.
 * Not here: sending it (action/https-reporter.ts), what the App accepts (github/heartbeat-endpoint.ts).
 * Invariants: pure; `lastOutput` never leaves the runner.
 */
import type { WorkerStatus } from "../ports/reporter.js";

export type WireStatus = Omit<WorkerStatus, "lastOutput">;

/** Longest reason sent: weave's reasons are a line; anything longer was not written by weave. */
export const MAX_REASON_CHARS = 500;

export function toWireStatus(status: WorkerStatus): WireStatus {
  const { lastOutput: _tail, ...rest } = status;
  if (rest.error !== undefined && rest.error.length > MAX_REASON_CHARS) rest.error = `${rest.error.slice(0, MAX_REASON_CHARS - 1)}…`;
  return rest;
}
