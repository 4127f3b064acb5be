/**
 * Simulation: what a rank does on N workers, on a virtual clock.
 * Responsibilities: validate inputs, run the list scheduler (list-scheduler.ts) once on estimates or actual
 * durations, and report makespan, lower bound, utilisation and who ran what when.
 * Not here: choosing the rank (priorities.ts); the live scheduler's per-tick choice (pick.ts).
 * Invariants: pure and deterministic; the schedule lists every node exactly once, sorted by start then worker.
 */
import { WeaveError } from "../errors.js";
import { createListScheduler, createTrace } from "./list-scheduler.js";
import type { ScheduleGraph } from "./schedule-graph.js";
import { lowerBound } from "./schedule-graph.js";

export interface SimulateOptions {
  /** Number of workers (a positive integer). */
  workers: number;
  /** rank[i]: lower starts first among ready nodes. */
  rank: readonly number[];
  /** Actual durations to run on (default: the graph's estimates). */
  durations?: readonly number[];
}

export interface ScheduledNode {
  node: number;
  start: number;
  end: number;
  worker: number;
}

export interface SimulationResult {
  makespan: number;
  /** max(critical path, total work / workers) on the simulated durations. */
  lowerBound: number;
  /** Busy time / (workers × makespan); 0 when the makespan is 0. */
  utilisation: number;
  schedule: ScheduledNode[];
}

function checkNumbers(name: string, values: readonly number[], n: number, nonNegative: boolean): void {
  if (values.length !== n) throw new WeaveError("internal", `${name} has ${values.length} entries for ${n} nodes`);
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isFinite(v) || (nonNegative && v < 0)) throw new WeaveError("internal", `${name}[${i}] is ${v}`);
  }
}

/** Non-delay list scheduling of `g` with `rank` on `workers` workers. */
export function simulateSchedule(g: ScheduleGraph, options: SimulateOptions): SimulationResult {
  const { workers, rank } = options;
  const n = g.durations.length;
  if (!Number.isInteger(workers) || workers < 1) throw new WeaveError("internal", `workers must be a positive integer, got ${workers}`);
  const durations = options.durations ?? g.durations;
  checkNumbers("rank", rank, n, false);
  checkNumbers("durations", durations, n, true);
  const trace = createTrace(n);
  const makespan = createListScheduler(g, workers).run(rank, durations, trace);
  const schedule: ScheduledNode[] = [];
  let busy = 0;
  for (let node = 0; node < n; node++) {
    busy += durations[node] ?? 0;
    schedule.push({ node, start: trace.start[node] ?? 0, end: trace.end[node] ?? 0, worker: trace.worker[node] ?? 0 });
  }
  schedule.sort((a, b) => a.start - b.start || a.worker - b.worker || a.node - b.node);
  return {
    makespan,
    lowerBound: lowerBound(g, workers, durations),
    utilisation: makespan > 0 ? busy / (workers * makespan) : 0,
    schedule,
  };
}
