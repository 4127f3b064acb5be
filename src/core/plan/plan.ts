/**
 * The validated plan as the rest of weave sees it.
 * Responsibilities: the `Plan` and `Milestone` types, lookups, and per-milestone effective settings.
 * Not here: parsing and validation (core/plan/parse-plan.ts), the dependency graph (core/plan/plan-schedule.ts).
 * Invariants: a `Plan` value is always valid: unique IDs, known acyclic dependencies, defaults applied.
 */
import type { MilestoneFile, OverlapPolicy, PlanFile } from "./schema.js";

export type Milestone = MilestoneFile;

export interface Plan extends PlanFile {
  /** Where the plan was read from (for messages). */
  file: string;
}

export function findMilestone(plan: Plan, id: string): Milestone | undefined {
  return plan.milestones.find((m) => m.id === id);
}

export function overlapPolicyOf(plan: Plan, milestone: Milestone): OverlapPolicy {
  return milestone.overlap ?? plan.overlap;
}

export function titleOf(milestone: Milestone): string {
  return milestone.title ?? milestone.tasks[0] ?? milestone.id;
}
