/**
 * Pick: which eligible milestones to start on this tick of the live scheduler.
 * Responsibilities: best-ranked first, at most the free slots, and why some were not picked.
 * Not here: which milestones are eligible (core/eligibility.ts), computing ranks (core/plan/plan-schedule.ts), the
 * budget and dispatch (reconcile/).
 * Invariants: pure; output ⊆ eligible without duplicates; ties keep the eligible order; a NaN rank sorts last.
 */

export type PickReason = "no-free-slots" | "nothing-eligible";

export interface PickInput {
  eligible: readonly string[];
  /** Lower starts first (from computeRank). */
  rankOf: (id: string) => number;
  freeSlots: number;
}

export interface PickResult {
  start: string[];
  /** Set when nothing was eligible, or some eligible milestone was not started, saying why. */
  reason?: PickReason;
}

/** The milestones to start now, best-ranked first. */
export function pickToStart(input: PickInput): PickResult {
  const eligible = [...new Set(input.eligible)];
  if (eligible.length === 0) return { start: [], reason: "nothing-eligible" };
  const slots = Number.isNaN(input.freeSlots) ? 0 : Math.max(0, Math.floor(input.freeSlots));
  const rankOf = (id: string): number => {
    const r = input.rankOf(id);
    return Number.isNaN(r) ? Number.POSITIVE_INFINITY : r;
  };
  const ranked = eligible.map((id, index) => ({ id, index, rank: rankOf(id) }));
  ranked.sort((a, b) => (a.rank === b.rank ? a.index - b.index : a.rank < b.rank ? -1 : 1));
  const start = ranked.slice(0, slots).map((r) => r.id);
  return start.length < eligible.length ? { start, reason: "no-free-slots" } : { start };
}
