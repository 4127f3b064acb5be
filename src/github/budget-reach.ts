/**
 * Budget reach: whether a run's spending is at its ceiling, counting live heartbeats the ledger has not recorded.
 * Responsibilities: one sum for the heartbeat reply (tell the worker to stop at once, and what the run may still
 * spend) and the reconcile (a worker's `stopped` or `paused` then reads "budget reached", even before the ledger
 * records the stop).
 * Not here: the stop itself (reconcile/decide.ts `budget-stop`).
 * Invariants: pure; a heartbeat counts only for the run its record knows, and never lowers a recorded cost.
 */
import type { Ledger } from "./ledger.js";

type Beats = ReadonlyMap<string, { status: { costUsd: number }; runId: number }>;

export function isBudgetReached(ledger: Ledger, heartbeats: Beats, ceiling: number | undefined): boolean {
  if (ledger.run?.budgetStopped) return true;
  if (ceiling === undefined) return false;
  return knownSpend(ledger, heartbeats) >= ceiling;
}

/**
 * What the run may still spend (never below 0), counting every milestone's known spend with live heartbeats —
 * the heartbeat reply's `budget_left_usd`; undefined without a ceiling. Unknown spend counts nothing.
 */
export function runBudgetLeft(ledger: Ledger, heartbeats: Beats, ceiling: number | undefined): number | undefined {
  if (ceiling === undefined) return undefined;
  if (ledger.run?.budgetStopped) return 0;
  return Math.max(0, ceiling - knownSpend(ledger, heartbeats));
}

function knownSpend(ledger: Ledger, heartbeats: Beats): number {
  let total = 0;
  for (const [id, r] of Object.entries(ledger.milestones)) {
    const beat = heartbeats.get(id);
    total += beat && beat.runId === r.runId ? Math.max(beat.status.costUsd, r.costUsd) : r.costUsd;
  }
  return total;
}
