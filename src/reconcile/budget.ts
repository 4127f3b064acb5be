/**
 * Budget: the one judgement of a run's spend against its ceiling, used wherever the loop asks — decide() (stop the
 * run, start nothing), the App's heartbeat reply (tell the worker now) and its reconcile, the resolve job, the local
 * coordinator's lift of a hold when the budget was raised.
 * Responsibilities: reached, crossing (reached and not recorded yet), lifted (a recorded stop under a raised or removed
 * ceiling), what is left; the sum of known spend and the run's spend built from its records.
 * Not here: the stop itself (decide()'s `budget-stop`), where live spend comes from (each home).
 * Invariants: pure; no ceiling means never reached; a recorded stop counts as reached until a person lifts it;
 * unknown spend counts nothing (the known spend is what is judged).
 */

export interface RunSpend {
  /** Known spend of the whole run (USD). */
  spentUsd: number;
  /** The run's ceiling (plan `budget_ceiling` or `--budget`); undefined = none. */
  ceilingUsd?: number;
  /** The run's record says it is stopped at its budget. */
  stopped: boolean;
}

/** The known spend is at or over the ceiling (whatever the record says). */
export function isOverCeiling(b: Pick<RunSpend, "spentUsd" | "ceilingUsd">): boolean {
  return b.ceilingUsd !== undefined && b.spentUsd >= b.ceilingUsd;
}

/** The run may spend nothing more: stopped at its budget, or its spend reached the ceiling. */
export function isBudgetReached(b: RunSpend): boolean {
  return b.stopped || isOverCeiling(b);
}

/** The spend reached the ceiling and the run's record does not say so yet: the stop is to be made now. */
export function isBudgetCrossed(b: RunSpend): boolean {
  return !b.stopped && isOverCeiling(b);
}

/** A recorded stop that the ceiling no longer holds (raised above the spend, or removed): the hold lifts. */
export function isStopLifted(b: RunSpend): boolean {
  return b.stopped && !isOverCeiling(b);
}

/** What the run may still spend (never below 0); undefined without a ceiling. */
export function budgetLeft(b: RunSpend): number | undefined {
  if (b.ceilingUsd === undefined) return undefined;
  if (b.stopped) return 0;
  return Math.max(0, b.ceilingUsd - b.spentUsd);
}

/** The run's known spend: every record's, a live figure (a heartbeat not recorded yet) where one is higher. */
export function knownSpend(records: Iterable<[string, { costUsd: number }]>, live: (id: string) => number | undefined = () => undefined): number {
  let total = 0;
  for (const [id, r] of records) total += Math.max(live(id) ?? 0, r.costUsd);
  return total;
}

/** The run's spend as the rule judges it: its records' known spend (with live figures where higher), its ceiling, its stop. */
export function runSpend(records: Iterable<[string, { costUsd: number }]>, ceilingUsd: number | undefined, stopped: boolean, live?: (id: string) => number | undefined): RunSpend {
  return { spentUsd: knownSpend(records, live), ceilingUsd, stopped };
}
