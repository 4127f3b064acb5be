// Shared fast-check arbitraries for the scheduler tests: small random DAGs with optional conflicts, ranks, workers.
import fc from "fast-check";
import type { ScheduleGraph } from "../../../src/core/schedule/schedule-graph.js";
import { buildScheduleGraph } from "../../../src/core/schedule/schedule-graph.js";

export interface DagCase {
  graph: ScheduleGraph;
  rank: number[];
  workers: number;
}

/** Edges (a, b) with a < b mean b depends on a, so every graph is acyclic. */
export function dagCase(options: { maxNodes?: number; conflicts?: boolean; integerDurations?: boolean } = {}): fc.Arbitrary<DagCase> {
  const duration = options.integerDurations === true ? fc.integer({ min: 1, max: 9 }) : fc.oneof(fc.integer({ min: 0, max: 9 }), fc.double({ min: 0, max: 9, noNaN: true }));
  return fc.integer({ min: 1, max: options.maxNodes ?? 24 }).chain((n) =>
    fc
      .record({
        durations: fc.array(duration, { minLength: n, maxLength: n }),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n }),
        conflicts: options.conflicts === true ? fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n }) : fc.constant([]),
        rank: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
        workers: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ durations, edges, conflicts, rank, workers }) => {
        const deps: number[][] = Array.from({ length: n }, () => []);
        for (const [a, b] of edges) {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          if (lo !== hi && !deps[hi]?.includes(lo)) deps[hi]?.push(lo);
        }
        const locks: number[][] = Array.from({ length: n }, () => []);
        for (const [a, b] of conflicts) if (a !== b) locks[a]?.push(b);
        const graph = buildScheduleGraph(durations, deps, options.conflicts === true ? locks : undefined);
        return { graph, rank, workers };
      }),
  );
}
