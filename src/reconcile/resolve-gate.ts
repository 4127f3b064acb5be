/**
 * Resolve gate: whether a conflict goes to a resolve job (`merge.resolve: agent`) — the one answer decide() (its
 * `resolve` action) and the App's merge-back (keep a merge asked for, or say why no job comes) both read.
 * Responsibilities: the home runs resolve jobs, the plan asks for them, attempts left in this conflict episode, and the
 * budget (reconcile/budget.ts: a run at its budget starts nothing, resolve jobs included).
 * Not here: the job itself (each home's forge), the free worker slots (reconcile/decide.ts counts them).
 * Invariants: pure; "take" only when every condition holds; the budget is judged by reconcile/budget.ts alone.
 */
import type { Plan } from "../core/plan/plan.js";
import type { RunSpend } from "./budget.js";
import { isBudgetReached } from "./budget.js";

/** Resolve jobs (`merge.resolve: agent`) per conflict episode. */
export const RESOLVE_ATTEMPTS = 1;

/** `take`: a resolve job takes the conflict on; otherwise why not. */
export type ResolveGate = "take" | "off" | "attempts-spent" | "budget-spent";

export interface ResolveQuestion {
  plan: Pick<Plan, "merge">;
  /** The home runs resolve jobs (the App does; the local CLI does not yet). */
  resolveJobs: boolean;
  /** Resolve jobs already run for this conflict. */
  resolveAttempts?: number;
  spend: RunSpend;
}

export function resolveGate(q: ResolveQuestion): ResolveGate {
  if (!q.resolveJobs || q.plan.merge.resolve !== "agent") return "off";
  if ((q.resolveAttempts ?? 0) >= RESOLVE_ATTEMPTS) return "attempts-spent";
  if (isBudgetReached(q.spend)) return "budget-spent";
  return "take";
}
