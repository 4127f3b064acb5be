/**
 * Schedule graph: the index-based DAG the scheduler works on, and the measures every scheduler needs.
 * Responsibilities: build the graph from durations + deps, topological order, bottom levels, critical path, lower bound.
 * Not here: plan parsing and cycle reporting (core/plan/), simulation (simulate.ts), priorities (priorities.ts).
 * Invariants: pure; every loop is iterative (10,000+ node plans must not overflow the stack); node i is index i.
 */
import { WeaveError } from "../errors.js";

export interface ScheduleGraph {
  /** Estimate per node index (>= 0, any unit). */
  durations: readonly number[];
  /** deps[i]: the nodes i depends on. */
  deps: readonly (readonly number[])[];
  /** dependents[i]: the nodes that depend on i (the reverse of deps). */
  dependents: readonly (readonly number[])[];
  /** Symmetric: conflicts[i] lists the nodes that must never run at the same time as i. */
  conflicts?: readonly (readonly number[])[];
}

/** A graph from durations and deps, filling `dependents`; conflicts are made symmetric and deduplicated. */
export function buildScheduleGraph(
  durations: readonly number[],
  deps: readonly (readonly number[])[],
  conflicts?: readonly (readonly number[])[],
): ScheduleGraph {
  const n = durations.length;
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const d of deps[i] ?? []) {
      if (!Number.isInteger(d) || d < 0 || d >= n || d === i) throw new WeaveError("internal", `node ${i} depends on invalid node ${d}`);
      dependents[d]?.push(i);
    }
  }
  const graph: ScheduleGraph = { durations, deps: Array.from({ length: n }, (_, i) => deps[i] ?? []), dependents };
  if (conflicts === undefined) return graph;
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set());
  for (let i = 0; i < n; i++) {
    for (const c of conflicts[i] ?? []) {
      if (c === i || c < 0 || c >= n) continue;
      sets[i]?.add(c);
      sets[c]?.add(i);
    }
  }
  return { ...graph, conflicts: sets.map((s) => [...s].sort((a, b) => a - b)) };
}

/** Kahn's order, lowest index first among nodes ready together. Throws `internal` on a cycle (callers validate first). */
export function topologicalOrder(g: ScheduleGraph): number[] {
  const n = g.durations.length;
  const pending = new Int32Array(n);
  const order = new Array<number>(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const count = g.deps[i]?.length ?? 0;
    pending[i] = count;
    if (count === 0) order[tail++] = i;
  }
  for (let head = 0; head < tail; head++) {
    const next = g.dependents[order[head] ?? 0] ?? [];
    for (let k = 0; k < next.length; k++) {
      const s = next[k] ?? 0;
      const left = (pending[s] ?? 0) - 1;
      pending[s] = left;
      if (left === 0) order[tail++] = s;
    }
  }
  if (tail !== n) throw new WeaveError("internal", `schedule graph has a cycle (${n - tail} nodes unordered)`);
  return order;
}

/** Longest path from each node to any sink, counting the node's own duration (`order`: a precomputed topologicalOrder). */
export function bottomLevels(g: ScheduleGraph, durations: readonly number[] = g.durations, order: readonly number[] = topologicalOrder(g)): number[] {
  const level = new Array<number>(order.length).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k] ?? 0;
    const next = g.dependents[i] ?? [];
    let tail = 0;
    for (let j = 0; j < next.length; j++) {
      const l = level[next[j] ?? 0] ?? 0;
      if (l > tail) tail = l;
    }
    level[i] = (durations[i] ?? 0) + tail;
  }
  return level;
}

/** Longest path from any source to each node, excluding the node's own duration (earliest start). */
export function topLevels(g: ScheduleGraph, durations: readonly number[] = g.durations, order: readonly number[] = topologicalOrder(g)): number[] {
  const level = new Array<number>(order.length).fill(0);
  for (const i of order) {
    let head = 0;
    for (const d of g.deps[i] ?? []) head = Math.max(head, (level[d] ?? 0) + (durations[d] ?? 0));
    level[i] = head;
  }
  return level;
}

/** Length of the longest dependency chain (0 for an empty graph). */
export function criticalPathLength(g: ScheduleGraph, durations: readonly number[] = g.durations): number {
  let longest = 0;
  for (const level of bottomLevels(g, durations)) longest = Math.max(longest, level);
  return longest;
}

/** max(critical path, total work / workers): no schedule on `workers` workers can end sooner. */
export function lowerBound(g: ScheduleGraph, workers: number, durations: readonly number[] = g.durations): number {
  let total = 0;
  for (const d of durations) total += d;
  return Math.max(criticalPathLength(g, durations), total / Math.max(1, workers));
}
