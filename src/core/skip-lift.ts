/**
 * Skip lifting: a milestone skipped because a dependency failed becomes pending again once no dependency (direct or
 * through other milestones) is failed any more — the failed one was resumed, merged, or forced in.
 * Responsibilities: which skipped milestones to lift, from the current states alone.
 * Not here: moving records (each home applies decide()'s "unskip" action), why a milestone is skipped (core/eligibility.ts).
 * Invariants: pure; a milestone with a failed ancestor is never lifted; lifting is transitive within one call.
 */
import type { MilestoneState } from "./lifecycle.js";
import type { Plan } from "./plan/plan.js";
import { dependencyOrder } from "./eligibility.js";

/** IDs of `skipped` milestones none of whose ancestors is `failed`, in dependency order. */
export function skipsToLift(plan: Plan, states: ReadonlyMap<string, MilestoneState>): string[] {
  const failedBelow = new Map<string, boolean>();
  const lift: string[] = [];
  for (const m of dependencyOrder(plan)) {
    const blockedByFailure = m.depends_on.some((d) => states.get(d) === "failed" || failedBelow.get(d) === true);
    failedBelow.set(m.id, blockedByFailure);
    if (states.get(m.id) === "skipped" && !blockedByFailure) lift.push(m.id);
  }
  return lift;
}
