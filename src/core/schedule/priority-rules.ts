/**
 * Priority rules: the classic list-scheduling priority functions, each turned into a rank (a priority list).
 * Responsibilities: bottom level with tie-breaks (the default), successor counts, descendant work, LPT and mixes.
 * Not here: evaluating or improving ranks (rank-search.ts), the public entry (priorities.ts).
 * Invariants: pure and deterministic; every rank is a permutation 0..n-1 (rank[i] = position of node i); ties
 * end in plan (index) order.
 */
import type { ScheduleGraph } from "./schedule-graph.js";
import { bottomLevels, topLevels, topologicalOrder } from "./schedule-graph.js";

/** Descendant sets are exact (bitsets) up to this many nodes; above it the rules that need them are skipped. */
const EXACT_DESCENDANTS_MAX_NODES = 3000;

const NONE = new Float64Array(0);

/** rank[i] = position of i when sorting by up to three keys lexicographically (lower first), then index. */
export function rankByKeys(n: number, keys: readonly ArrayLike<number>[]): Float64Array {
  const [k0 = NONE, k1 = NONE, k2 = NONE] = keys;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (k0[a] ?? 0) - (k0[b] ?? 0) || (k1[a] ?? 0) - (k1[b] ?? 0) || (k2[a] ?? 0) - (k2[b] ?? 0) || a - b);
  const rank = new Float64Array(n);
  for (let position = 0; position < n; position++) rank[order[position] ?? 0] = position;
  return rank;
}

/** Number of descendants and their total duration per node, or undefined when the graph is too big to count exactly. */
function descendantMeasures(g: ScheduleGraph, order: readonly number[]): { count: Float64Array; work: Float64Array } | undefined {
  const n = g.durations.length;
  if (n > EXACT_DESCENDANTS_MAX_NODES) return undefined;
  const words = (n + 31) >>> 5;
  const bits = new Int32Array(n * words);
  const count = new Float64Array(n);
  const work = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k] ?? 0;
    const base = i * words;
    for (const s of g.dependents[i] ?? []) {
      const from = s * words;
      for (let w = 0; w < words; w++) bits[base + w] = (bits[base + w] ?? 0) | (bits[from + w] ?? 0);
      bits[base + (s >>> 5)] = (bits[base + (s >>> 5)] ?? 0) | (1 << (s & 31));
    }
    let c = 0;
    let sum = 0;
    for (let w = 0; w < words; w++) {
      let word = bits[base + w] ?? 0;
      while (word !== 0) {
        const low = word & -word;
        const j = (w << 5) + 31 - Math.clz32(low);
        c++;
        sum += g.durations[j] ?? 0;
        word ^= low;
      }
    }
    count[i] = c;
    work[i] = sum;
  }
  return { count, work };
}

function negate(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = -(values[i] ?? 0);
  return out;
}

/** Levels shared by every rule, computed once per graph. */
export interface GraphLevels {
  order: readonly number[];
  bottom: readonly number[];
}

export function graphLevels(g: ScheduleGraph): GraphLevels {
  const order = topologicalOrder(g);
  return { order, bottom: bottomLevels(g, g.durations, order) };
}

/** The default rank: highest bottom level first, then more dependents, then longer duration, then plan order. */
export function criticalPathRank(g: ScheduleGraph, levels: GraphLevels = graphLevels(g)): Float64Array {
  const n = g.durations.length;
  const outDegree = Float64Array.from(g.dependents, (d) => d.length);
  return rankByKeys(n, [negate(levels.bottom), negate(outDegree), negate(g.durations)]);
}

/** Classic priority functions, the default first; used as starting points of the search. */
export function candidateRanks(g: ScheduleGraph, workers: number, levels: GraphLevels = graphLevels(g)): Float64Array[] {
  const n = g.durations.length;
  const bl = negate(levels.bottom);
  const tl = Float64Array.from(topLevels(g, g.durations, levels.order));
  const outDegree = negate(Float64Array.from(g.dependents, (d) => d.length));
  const duration = negate(g.durations);
  const ranks = [
    criticalPathRank(g, levels),
    rankByKeys(n, [bl, duration, outDegree]),
    rankByKeys(n, [bl, tl]),
    rankByKeys(n, [outDegree, bl]),
    rankByKeys(n, [duration, bl]),
  ];
  const desc = descendantMeasures(g, levels.order);
  if (desc !== undefined) {
    const count = negate(desc.count);
    const work = negate(desc.work);
    const mixed = new Float64Array(n);
    const levelled = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      mixed[i] = (bl[i] ?? 0) - (desc.work[i] ?? 0) / workers;
      levelled[i] = Math.min(bl[i] ?? 0, -(g.durations[i] ?? 0) - (desc.work[i] ?? 0) / workers);
    }
    ranks.push(
      rankByKeys(n, [bl, count, duration]),
      rankByKeys(n, [bl, work]),
      rankByKeys(n, [levelled, bl, count]),
      rankByKeys(n, [mixed, bl]),
      rankByKeys(n, [count, bl]),
      rankByKeys(n, [work, bl]),
    );
  }
  return ranks;
}
