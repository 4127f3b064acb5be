/**
 * Rank search: improve a priority list by simulating it on the estimates.
 * Responsibilities: evaluate starting ranks, then a seeded iterated local search whose moves come from the
 * schedule's critical chain (a node that waited for a worker is moved ahead of one that took it), with kicks.
 * Not here: the starting ranks (priority-rules.ts), budgets and the public entry (priorities.ts).
 * Invariants: deterministic for a seed; at most `budget` simulations; stops as soon as the target is reached;
 * the result is never worse than the best starting rank (ties keep the earlier start).
 */
import type { ListScheduler, ScheduleTrace } from "./list-scheduler.js";
import { createTrace } from "./list-scheduler.js";
import type { ScheduleGraph } from "./schedule-graph.js";
import { bottomLevels } from "./schedule-graph.js";

export interface SearchOptions {
  /** Maximum number of simulations, starting ranks included. */
  budget: number;
  seed: number;
  /** Stop as soon as a makespan at or below this is found (a lower bound). */
  target: number;
  /** bottomLevels(g), when the caller has them. */
  bottom?: readonly number[];
}

export interface SearchResult {
  rank: Float64Array;
  makespan: number;
  evaluations: number;
}

/** mulberry32: a small, fast, seeded PRNG returning [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EPS = 1e-9;

/** A priority list as both views: order[position] = node and rank[node] = position. */
class PriorityList {
  readonly order: Int32Array;
  readonly rank: Float64Array;
  constructor(rank: ArrayLike<number>) {
    const n = rank.length;
    this.rank = Float64Array.from(rank);
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[this.rank[i] ?? 0] = i;
  }
  setRank(rank: ArrayLike<number>): void {
    this.rank.set(rank);
    for (let i = 0; i < rank.length; i++) this.order[this.rank[i] ?? 0] = i;
  }
  copyFrom(other: PriorityList): void {
    this.order.set(other.order);
    this.rank.set(other.rank);
  }
  /** Moves the node at position `from` to position `to`, shifting the ones between. */
  move(from: number, to: number): void {
    const { order, rank } = this;
    const node = order[from] ?? 0;
    const step = from < to ? 1 : -1;
    for (let p = from; p !== to; p += step) {
      const next = order[p + step] ?? 0;
      order[p] = next;
      rank[next] = p;
    }
    order[to] = node;
    rank[node] = to;
  }
}

/**
 * Nodes on the schedule's critical chain that waited while ready (for a worker or a lock), latest first.
 * The chain runs back from the last node to end: through the dep that released a node, or through the node that
 * freed its worker (or, failing that, a conflicting node that ended as it started).
 */
function delayedOnChain(g: ScheduleGraph, trace: ScheduleTrace, makespan: number, out: number[]): void {
  out.length = 0;
  const { start, end, ready } = trace;
  const n = start.length;
  let v = -1;
  for (let i = 0; i < n; i++) if ((end[i] ?? 0) >= makespan - EPS && (v < 0 || (start[i] ?? 0) < (start[v] ?? 0))) v = i;
  while (v >= 0) {
    const s = start[v] ?? 0;
    let next = -1;
    if (s > (ready[v] ?? 0) + EPS) {
      out.push(v);
      const before = trace.previous[v] ?? -1;
      if (before >= 0 && Math.abs((end[before] ?? 0) - s) <= EPS) next = before;
      else for (const c of g.conflicts?.[v] ?? []) if (Math.abs((end[c] ?? 0) - s) <= EPS && (start[c] ?? 0) < s) next = c;
    } else {
      for (const d of g.deps[v] ?? []) if (Math.abs((end[d] ?? 0) - s) <= EPS) next = d;
    }
    v = next;
  }
}

/** Lateness against the target: Σ max(0, end + tail − target), tail = longest path after the node. Guides plateaus. */
function tardiness(trace: ScheduleTrace, tail: Float64Array, target: number): number {
  let sum = 0;
  const { end } = trace;
  for (let i = 0; i < tail.length; i++) {
    const late = (end[i] ?? 0) + (tail[i] ?? 0) - target;
    if (late > 0) sum += late;
  }
  return sum;
}

export function searchRank(
  g: ScheduleGraph,
  scheduler: ListScheduler,
  starts: readonly Float64Array[],
  options: SearchOptions,
): SearchResult {
  const n = scheduler.size;
  const durations = g.durations;
  const budget = Math.max(1, options.budget);
  const { target } = options;
  let here = createTrace(n); // the current list's schedule
  let scratch = createTrace(n);
  let evaluations = 0;
  const evaluate = (rank: Float64Array, into: ScheduleTrace): { makespan: number; late: number } => {
    evaluations++;
    const makespan = scheduler.run(rank, durations, into);
    return { makespan, late: tardiness(into, tail, target) };
  };
  const isBetter = (a: { makespan: number; late: number }, b: { makespan: number; late: number }): boolean =>
    a.makespan < b.makespan - EPS || (a.makespan <= b.makespan + EPS && a.late < b.late - EPS);
  const tail = Float64Array.from(options.bottom ?? bottomLevels(g), (level, i) => level - (durations[i] ?? 0));

  const bestList = new PriorityList(starts[0] ?? Float64Array.from({ length: n }, (_, i) => i));
  let best = { makespan: Number.POSITIVE_INFINITY, late: Number.POSITIVE_INFINITY };
  const done = (): boolean => best.makespan <= target + EPS || evaluations >= budget;
  for (const rank of starts) {
    if (done()) break;
    const score = evaluate(rank, scratch);
    if (isBetter(score, best)) {
      best = score;
      bestList.setRank(rank);
      [here, scratch] = [scratch, here];
    }
  }
  if (done() || n < 2) return { rank: bestList.rank, makespan: best.makespan, evaluations };

  const random = createRandom(options.seed);
  const current = new PriorityList(bestList.rank);
  const candidate = new PriorityList(bestList.rank);
  let score = best;
  const chain: number[] = [];
  const movers: number[] = [];
  let stall = 0;
  const stallLimit = Math.max(8, n >> 3);

  while (!done()) {
    delayedOnChain(g, here, score.makespan, chain);
    const v = chain[Math.floor(random() * chain.length)];
    if (v === undefined || stall > stallLimit) {
      // Kick: a few random shifts away from the best list found so far.
      candidate.copyFrom(bestList);
      const kicks = 3 + Math.floor(random() * 6);
      for (let k = 0; k < kicks; k++) {
        const from = Math.floor(random() * n);
        const to = Math.max(0, Math.min(n - 1, from + Math.floor((random() - 0.5) * 16)));
        candidate.move(from, to);
      }
      stall = 0;
      score = evaluate(candidate.rank, here);
      current.copyFrom(candidate);
      if (isBetter(score, best)) {
        best = score;
        bestList.copyFrom(candidate);
      }
      continue;
    }
    // Nodes that started while v was waiting and outranked it: move v just ahead of one of them.
    movers.length = 0;
    const rv = current.rank[v] ?? 0;
    const from = here.ready[v] ?? 0;
    const until = here.start[v] ?? 0;
    for (let i = 0; i < n; i++) {
      const s = here.start[i] ?? 0;
      if ((current.rank[i] ?? 0) < rv && s >= from - EPS && s <= until + EPS) movers.push(i);
    }
    const u = movers[Math.floor(random() * movers.length)];
    if (u === undefined) {
      stall++;
      continue;
    }
    candidate.copyFrom(current);
    candidate.move(rv, current.rank[u] ?? 0);
    const next = evaluate(candidate.rank, scratch);
    if (!isBetter(score, next)) {
      stall = isBetter(next, score) ? 0 : stall + 1;
      score = next;
      [here, scratch] = [scratch, here];
      current.copyFrom(candidate);
      if (isBetter(score, best)) {
        best = score;
        bestList.copyFrom(candidate);
      }
    } else {
      stall++;
    }
  }
  return { rank: bestList.rank, makespan: best.makespan, evaluations };
}
