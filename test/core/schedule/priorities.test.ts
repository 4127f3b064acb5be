import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeRank, computeRankDetails, effectiveBudget } from "../../../src/core/schedule/priorities.js";
import { criticalPathRank } from "../../../src/core/schedule/priority-rules.js";
import { buildScheduleGraph } from "../../../src/core/schedule/schedule-graph.js";
import { simulateSchedule } from "../../../src/core/schedule/simulate.js";
import { dagCase } from "./random-dag.js";

const isPermutation = (rank: readonly number[]): boolean => [...rank].sort((a, b) => a - b).every((r, i) => r === i);

describe("computeRank", () => {
  it("plan order is index order", () => {
    const g = buildScheduleGraph([1, 5, 1], [[], [], []]);
    expect(computeRank(g, { workers: 2, order: "plan" })).toEqual([0, 1, 2]);
  });
  it("critical-path puts the longest chain first", () => {
    // 0 (1) and 1 (1) are independent; 1 leads a chain of 5.
    const g = buildScheduleGraph([1, 1, 5], [[], [], [1]]);
    const rank = computeRank(g, { workers: 1 });
    expect(rank[1]).toBeLessThan(rank[0] ?? 0);
  });
  it("finds the optimum where bottom levels alone miss it", () => {
    // On 2 workers highest-level-first starts 2 and 0 (levels 5, 4) and ends at 7; starting 1 beside 2 ends at 6.
    const g = buildScheduleGraph([4, 3, 2, 3], [[], [], [], [2]]);
    expect(simulateSchedule(g, { workers: 2, rank: Array.from(criticalPathRank(g)) }).makespan).toBe(7);
    const details = computeRankDetails(g, { workers: 2 });
    expect(simulateSchedule(g, { workers: 2, rank: details.rank }).makespan).toBe(6);
    expect(details).toMatchObject({ makespan: 6, lowerBound: 6 });
  });
  it("is deterministic, a permutation, and never worse than bottom levels on the estimates", () => {
    fc.assert(
      fc.property(dagCase({ maxNodes: 30, conflicts: true }), ({ graph, workers }) => {
        const a = computeRank(graph, { workers, searchBudget: 200 });
        expect(computeRank(graph, { workers, searchBudget: 200 })).toEqual(a);
        expect(isPermutation(a)).toBe(true);
        const searched = simulateSchedule(graph, { workers, rank: a }).makespan;
        const plain = simulateSchedule(graph, { workers, rank: Array.from(criticalPathRank(graph)) }).makespan;
        expect(searched).toBeLessThanOrEqual(plain + 1e-9);
      }),
      { numRuns: 100 },
    );
  });
  it("scales the search budget down for big graphs and survives a 10,000-node chain", () => {
    const n = 10_000;
    const chain = buildScheduleGraph(new Array<number>(n).fill(1), Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])));
    expect(effectiveBudget(chain, 4000)).toBeLessThan(4000);
    const details = computeRankDetails(chain, { workers: 3 });
    expect(details.makespan).toBe(n);
    expect(isPermutation(details.rank)).toBe(true);
  });
  it("rejects a bad worker count", () => {
    expect(() => computeRank(buildScheduleGraph([1], [[]]), { workers: 0 })).toThrow(/workers/);
  });
});
