/**
 * Dispatch book: worker dispatches this process made or learnt of that the ledger may not show yet, and the run
 * lookups made for them.
 * Responsibilities: a heartbeat of a just-dispatched job is known by its dispatch id (github/heartbeat-endpoint.ts);
 * the backoff of run lookups (github/run-watch.ts).
 * Not here: dispatching (github/dispatch.ts); deciding a job is dead (github/run-watch.ts).
 * Invariants: an entry is keyed by dispatch id and names one milestone; after a restart the book is seeded from the
 * ledger's active records (run-watch.ts `seedDispatches`), so it is a cache, never the truth.
 */
export interface DispatchBook {
  /** dispatch id → milestone (and its run, once GitHub named it). */
  pending: Map<string, { milestone: string; runId?: number }>;
  /** Lookups made for runs: per dispatch id (how many, for the backoff), and `run:<id>` for heartbeats' runs checked. */
  lookups: Map<string, number>;
  /** GitHub was asked about every active run at least once in this process (after a restart it is asked at once). */
  runsAsked: boolean;
}

export function createDispatchBook(): DispatchBook {
  return { pending: new Map(), lookups: new Map(), runsAsked: false };
}
