/**
 * Priorities: the rank the live scheduler starts milestones by, computed once per plan from estimates only.
 * Responsibilities: `plan` order, or `critical-path` = bottom levels improved by a budgeted, seeded search.
 * Not here: the rules (priority-rules.ts), the search (rank-search.ts), per-tick picking (pick.ts).
 * Invariants: pure and deterministic (same graph, options → same rank); the rank is a permutation 0..n-1;
 * search work is capped by evaluations × (n + e) so big plans stay fast.
 */
import { WeaveError } from "../errors.js";
import { createListScheduler } from "./list-scheduler.js";
import { candidateRanks, criticalPathRank, graphLevels } from "./priority-rules.js";
import { searchRank } from "./rank-search.js";
import type { ScheduleGraph } from "./schedule-graph.js";

export type RankOrder = "critical-path" | "plan";

export interface RankOptions {
  workers: number;
  /** Default `critical-path`. */
  order?: RankOrder;
  /** Maximum simulations for the search (default 4000); scaled down for big graphs. */
  searchBudget?: number;
  seed?: number;
}

export interface RankDetails {
  rank: number[];
  /** Makespan of the rank simulated on the estimates. */
  makespan: number;
  lowerBound: number;
  evaluations: number;
}

export const DEFAULT_SEARCH_BUDGET = 4000;
/** Simulations × (nodes + edges) allowed per rank computation (8 simulations for 10,000 nodes and 50,000 edges). */
const WORK_CAP = 500_000;
const DEFAULT_SEED = 0x5eed;
const FEW_EVALUATIONS = 64;

/** Simulations the search may run on `g`: the budget, capped so that evaluations × (n + e) stays under WORK_CAP. */
export function effectiveBudget(g: ScheduleGraph, budget: number): number {
  let size = g.durations.length;
  for (const d of g.deps) size += d.length;
  return Math.max(1, Math.min(Math.floor(budget), Math.floor(WORK_CAP / Math.max(1, size))));
}

/** The rank with its simulated makespan and how much search it took. */
export function computeRankDetails(g: ScheduleGraph, options: RankOptions): RankDetails {
  const { workers } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new WeaveError("internal", `workers must be a positive integer, got ${workers}`);
  const n = g.durations.length;
  const bad = g.durations.findIndex((d) => !Number.isFinite(d) || d < 0);
  if (bad >= 0) throw new WeaveError("internal", `estimate of node ${bad} is ${g.durations[bad]}; estimates must be finite and >= 0`);
  const scheduler = createListScheduler(g, workers);
  const levels = graphLevels(g);
  let total = 0;
  for (const d of g.durations) total += d;
  const bound = Math.max(total / workers, levels.bottom.reduce((a, b) => Math.max(a, b), 0));
  if ((options.order ?? "critical-path") === "plan") {
    const rank = Array.from({ length: n }, (_, i) => i);
    return { rank, makespan: scheduler.run(rank, g.durations), lowerBound: bound, evaluations: 1 };
  }
  // With whole-number estimates makespans are whole too, so the bound can be rounded up.
  const target = g.durations.every(Number.isInteger) ? Math.ceil(bound - 1e-9) : bound;
  const budget = effectiveBudget(g, options.searchBudget ?? DEFAULT_SEARCH_BUDGET);
  // Most plans reach the bound with bottom levels alone: only build the other rules and search when they don't.
  const critical = criticalPathRank(g, levels);
  const makespan = scheduler.run(critical, g.durations);
  if (makespan <= target + 1e-9 || budget <= 1) return { rank: Array.from(critical), makespan, lowerBound: bound, evaluations: 1 };
  // A small budget is better spent on the search than on evaluating every classic rule.
  const starts = budget < FEW_EVALUATIONS ? [critical] : candidateRanks(g, workers, levels);
  const result = searchRank(g, scheduler, starts, { budget, seed: options.seed ?? DEFAULT_SEED, target, bottom: levels.bottom });
  return { rank: Array.from(result.rank), makespan: result.makespan, lowerBound: bound, evaluations: result.evaluations };
}

/** rank[i] for node i: lower starts first among ready nodes. */
export function computeRank(g: ScheduleGraph, options: RankOptions): number[] {
  return computeRankDetails(g, options).rank;
}
