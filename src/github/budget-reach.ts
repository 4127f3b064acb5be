/**
 * Budget reach on GitHub: the run's spend as the App knows it — the ledger's, with live heartbeats it has not
 * recorded — judged by the one budget rule (reconcile/budget.ts).
 * Responsibilities: the ledger's own figure (what decide() and merge-back's resolve gate judge); one sum for the heartbeat reply (tell the worker to stop at once, and what the run may still
 * spend) and the reconcile (a worker's `stopped` or `paused` then reads "budget reached", even before the ledger
 * records the stop).
 * Not here: the rule (reconcile/budget.ts), the stop itself (reconcile/decide.ts `budget-stop`).
 * Invariants: pure; a heartbeat counts only for the run its record knows, and never lowers a recorded cost.
 */
import { budgetLeft, isBudgetCrossed, isBudgetReached as reached, runSpend } from "../reconcile/budget.js";
import type { RunSpend } from "../reconcile/budget.js";
import type { Ledger } from "./ledger.js";

type Beats = ReadonlyMap<string, { status: { costUsd: number }; runId: number }>;

function spend(ledger: Ledger, heartbeats: Beats, ceiling: number | undefined): RunSpend {
  const live = (id: string): number | undefined => {
    const beat = heartbeats.get(id);
    return beat && beat.runId === ledger.milestones[id]?.runId ? beat.status.costUsd : undefined;
  };
  return runSpend(Object.entries(ledger.milestones), ceiling, ledger.run?.budgetStopped === true, live);
}

/**
 * The run's spend as the ledger records it (no live heartbeats): what decide() is given on each reconcile, and what
 * merge-back's resolve gate (reconcile/resolve-gate.ts) judges, so the two never see different figures.
 */
export function recordedSpend(ledger: Ledger, ceiling: number | undefined): RunSpend {
  return spend(ledger, new Map(), ceiling);
}

export function isBudgetReached(ledger: Ledger, heartbeats: Beats, ceiling: number | undefined): boolean {
  return reached(spend(ledger, heartbeats, ceiling));
}

/** Live heartbeats put the run at its ceiling and the ledger does not record the stop yet: tell the worker now. */
export function isBudgetCrossing(ledger: Ledger, heartbeats: Beats, ceiling: number | undefined): boolean {
  return ledger.run !== undefined && isBudgetCrossed(spend(ledger, heartbeats, ceiling));
}

/**
 * What the run may still spend (never below 0), counting every milestone's known spend with live heartbeats —
 * the heartbeat reply's `budget_left_usd`; undefined without a ceiling. Unknown spend counts nothing.
 */
export function runBudgetLeft(ledger: Ledger, heartbeats: Beats, ceiling: number | undefined): number | undefined {
  return budgetLeft(spend(ledger, heartbeats, ceiling));
}
