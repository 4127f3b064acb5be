/**
 * Plan → schedule graph: the index-based DAG the scheduler and simulator work on, built from a valid plan.
 * Responsibilities: estimates (a missing one = the plan's median estimate, or 1 s), dependency indices, and
 * `overlap: serialize` conflicts; the plan's rank, computed once.
 * Not here: the scheduling algorithms (core/schedule/), eligibility (core/eligibility.ts).
 * Invariants: pure; node i is plan.milestones[i].
 */
import { buildScheduleGraph } from "../schedule/schedule-graph.js";
import type { ScheduleGraph } from "../schedule/schedule-graph.js";
import { computeRank } from "../schedule/priorities.js";
import { findFileOverlaps } from "./file-overlap.js";
import type { Plan } from "./plan.js";
import { overlapPolicyOf } from "./plan.js";

export function medianEstimate(plan: Plan): number {
  const known = plan.milestones.map((m) => m.estimate).filter((e): e is number => e !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return 1;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
}

/** Estimates per milestone in seconds, the median filling the gaps. */
export function estimatesOf(plan: Plan): number[] {
  const fallback = medianEstimate(plan);
  return plan.milestones.map((m) => m.estimate ?? fallback);
}

/** Pairs of milestones that `overlap: serialize` keeps apart, as index lists. */
export function serializeConflicts(plan: Plan): number[][] | undefined {
  if (!plan.milestones.some((m) => overlapPolicyOf(plan, m) === "serialize")) return undefined;
  const index = new Map(plan.milestones.map((m, i) => [m.id, i]));
  const conflicts: number[][] = plan.milestones.map(() => []);
  for (const o of findFileOverlaps(plan.milestones)) {
    const a = index.get(o.a)!;
    const b = index.get(o.b)!;
    if (overlapPolicyOf(plan, plan.milestones[a]!) !== "serialize" && overlapPolicyOf(plan, plan.milestones[b]!) !== "serialize") continue;
    conflicts[a]!.push(b);
    conflicts[b]!.push(a);
  }
  return conflicts;
}

export function toScheduleGraph(plan: Plan, durations: readonly number[] = estimatesOf(plan)): ScheduleGraph {
  const index = new Map(plan.milestones.map((m, i) => [m.id, i]));
  const deps = plan.milestones.map((m) => m.depends_on.map((d) => index.get(d)!));
  return buildScheduleGraph(durations, deps, serializeConflicts(plan));
}

/** Rank per milestone ID (lower starts first), from estimates only, for `workers` workers. */
export function rankMilestones(plan: Plan, workers: number = plan.max_workers): Map<string, number> {
  const rank = computeRank(toScheduleGraph(plan), { workers, order: plan.order });
  return new Map(plan.milestones.map((m, i) => [m.id, rank[i]!]));
}
