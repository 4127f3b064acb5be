/**
 * Run correlation: finding the Actions run a dispatch started when GitHub did not say (a GHES 204, a lost answer),
 * with backoff, since runs show up in the list endpoints only after a lag.
 * Responsibilities: when to look again for a claimed milestone's run (by its dispatch id in the run's title); how
 * long a dispatch without a run may wait before it counts as silent.
 * Not here: the calls (github/run-watch.ts); the dispatch (github/dispatch.ts).
 * Invariants: pure; a dispatch is looked for, never repeated — the ledger keeps its id until a run is found or the
 * milestone goes stale (a new attempt).
 */

/** Looks after a dispatch without a run id: this long after it was made (ms), then every last step. */
export const LOOKUP_BACKOFF_MS = [1_000, 3_000, 8_000, 20_000, 60_000];

/** True when a lookup for a run dispatched at `dispatchedAt` is due, given how many were made already. */
export function isLookupDue(dispatchedAt: number, lookups: number, now: number): boolean {
  const schedule = LOOKUP_BACKOFF_MS;
  let due = dispatchedAt;
  for (let i = 0; i <= lookups; i++) due += schedule[Math.min(i, schedule.length - 1)]!;
  return now >= due;
}

/** The dispatch id a run's title carries (`weave <ID> (<dispatch id>)`, the worker workflow's `run-name`). */
export function dispatchIdOf(title: string | undefined): string | undefined {
  return /\(([^()\s]+)\)\s*$/.exec(title ?? "")?.[1];
}

/** A heartbeat's run is this record's run only when GitHub's title for it names the record's dispatch. */
export function isRunOfDispatch(title: string | undefined, dispatchId: string | undefined): boolean {
  return dispatchId !== undefined && dispatchIdOf(title) === dispatchId;
}
