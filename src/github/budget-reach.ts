/**
 * Budget reach: whether a run's spending is at its ceiling, counting live heartbeats the ledger has not recorded.
 * Responsibilities: one sum for the heartbeat reply (tell the worker to stop at once) and the reconcile (a worker's
 * `stopped` or `paused` then reads "budget reached", even before the ledger records the stop).
 * Not here: the stop itself (reconcile/decide.ts `budget-stop`).
 * Invariants: pure; a heartbeat counts only for the run its record knows, and never lowers a recorded cost.
 */
import type { Ledger } from "./ledger.js";

export function isBudgetReached(ledger: Ledger, heartbeats: ReadonlyMap<string, { status: { costUsd: number }; runId: number }>, ceiling: number | undefined): boolean {
  if (ledger.run?.budgetStopped) return true;
  if (ceiling === undefined) return false;
  let total = 0;
  for (const [id, r] of Object.entries(ledger.milestones)) {
    const beat = heartbeats.get(id);
    total += beat && beat.runId === r.runId ? Math.max(beat.status.costUsd, r.costUsd) : r.costUsd;
  }
  return total >= ceiling;
}
