/**
 * Heartbeat book: the latest accepted heartbeat of each milestone's job, with when it arrived, its run, and the ids of
 * the `/weave tell` notes the job says it took.
 * Responsibilities: what the reconcile reads of live jobs (github/run-watch.ts), the budget check and heartbeat
 * replies read of spend (github/budget-reach.ts).
 * Not here: accepting a heartbeat (github/heartbeat-endpoint.ts); what a status means (core/).
 * Invariants: one entry per milestone, the newest accepted; after a restart it is empty and GitHub is asked about
 * every active run instead (github/run-watch.ts).
 */
import type { WorkerStatus } from "../../ports/reporter.js";

export interface HeartbeatEntry {
  status: WorkerStatus;
  /** When it arrived (ms since the epoch). */
  at: number;
  runId: number;
  notesSeen?: readonly string[];
}

/** milestone id → its latest heartbeat. */
export type HeartbeatBook = Map<string, HeartbeatEntry>;

export function createHeartbeatBook(): HeartbeatBook {
  return new Map();
}
