import { describe, expect, it } from "vitest";
import {
  bottomLevels,
  buildScheduleGraph,
  criticalPathLength,
  lowerBound,
  topLevels,
  topologicalOrder,
} from "../../../src/core/schedule/schedule-graph.js";
import { isWeaveError } from "../../../src/core/errors.js";

// 0 → 1 → 3, 0 → 2 → 3; durations 2, 3, 1, 4
const diamond = buildScheduleGraph([2, 3, 1, 4], [[], [0], [0], [1, 2]]);

describe("schedule graph", () => {
  it("fills dependents from deps", () => {
    expect(diamond.dependents).toEqual([[1, 2], [3], [3], []]);
  });
  it("orders dependencies first, lowest index among equals", () => {
    expect(topologicalOrder(diamond)).toEqual([0, 1, 2, 3]);
    expect(topologicalOrder(buildScheduleGraph([1, 1, 1], [[2], [], []]))).toEqual([1, 2, 0]);
  });
  it("computes bottom levels, top levels, critical path and lower bound", () => {
    expect(bottomLevels(diamond)).toEqual([9, 7, 5, 4]);
    expect(topLevels(diamond)).toEqual([0, 2, 2, 5]);
    expect(criticalPathLength(diamond)).toBe(9);
    expect(lowerBound(diamond, 1)).toBe(10);
    expect(lowerBound(diamond, 2)).toBe(9);
    expect(criticalPathLength(buildScheduleGraph([], []))).toBe(0);
  });
  it("makes conflicts symmetric and drops self-conflicts", () => {
    const g = buildScheduleGraph([1, 1, 1], [[], [], []], [[1, 0], [], [0]]);
    expect(g.conflicts).toEqual([[1, 2], [0], [0]]);
  });
  it("rejects deps that point nowhere and reports cycles as internal errors", () => {
    expect(() => buildScheduleGraph([1], [[3]])).toThrow(/invalid node/);
    const cyclic = { durations: [1, 1], deps: [[1], [0]], dependents: [[1], [0]] };
    try {
      topologicalOrder(cyclic);
      expect.fail("no cycle reported");
    } catch (error) {
      expect(isWeaveError(error, "internal")).toBe(true);
    }
  });
  it("handles a 10,000-node chain without recursion", () => {
    const n = 10_000;
    const chain = buildScheduleGraph(new Array<number>(n).fill(1), Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])));
    expect(criticalPathLength(chain)).toBe(n);
    expect(topologicalOrder(chain)[n - 1]).toBe(n - 1);
  });
});
