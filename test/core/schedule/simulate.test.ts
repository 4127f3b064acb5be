import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SimulationResult } from "../../../src/core/schedule/simulate.js";
import { simulateSchedule } from "../../../src/core/schedule/simulate.js";
import type { ScheduleGraph } from "../../../src/core/schedule/schedule-graph.js";
import { buildScheduleGraph } from "../../../src/core/schedule/schedule-graph.js";
import { dagCase } from "./random-dag.js";

const EPS = 1e-9;
const compact = (r: SimulationResult): string[] => r.schedule.map((s) => `${s.node}@${s.start}-${s.end}/w${s.worker}`);

describe("simulateSchedule", () => {
  it("starts the best-ranked ready node first", () => {
    const g = buildScheduleGraph([3, 1], [[], []]);
    const r = simulateSchedule(g, { workers: 1, rank: [1, 0] });
    expect(compact(r)).toEqual(["1@0-1/w0", "0@1-4/w0"]);
    expect(r.makespan).toBe(4);
    expect(r.utilisation).toBe(1);
  });
  it("waits for every dependency", () => {
    // 0 → 1 → 3, 0 → 2 → 3
    const g = buildScheduleGraph([2, 3, 1, 4], [[], [0], [0], [1, 2]]);
    const r = simulateSchedule(g, { workers: 2, rank: [0, 1, 2, 3] });
    expect(compact(r)).toEqual(["0@0-2/w0", "1@2-5/w0", "2@2-3/w1", "3@5-9/w0"]);
    expect(r.lowerBound).toBe(9);
    expect(r.utilisation).toBeCloseTo(10 / 18);
  });
  it("serializes conflicting nodes and lets a lower-ranked free node through", () => {
    const g = buildScheduleGraph([2, 2, 2], [[], [], []], [[1], [], []]);
    const r = simulateSchedule(g, { workers: 3, rank: [0, 1, 2] });
    expect(compact(r)).toEqual(["0@0-2/w0", "2@0-2/w1", "1@2-4/w0"]);
    expect(r.makespan).toBe(4);
  });
  it("runs on actual durations when given, deciding by rank only", () => {
    const g = buildScheduleGraph([1, 1, 1], [[], [], [0]]);
    const r = simulateSchedule(g, { workers: 2, rank: [0, 1, 2], durations: [5, 1, 1] });
    expect(compact(r)).toEqual(["0@0-5/w0", "1@0-1/w1", "2@5-6/w0"]);
    expect(r.lowerBound).toBe(6);
  });
  it("handles zero durations and the empty graph", () => {
    const g = buildScheduleGraph([0, 0, 2], [[], [0], [1]]);
    expect(simulateSchedule(g, { workers: 1, rank: [0, 0, 0] }).makespan).toBe(2);
    const empty = simulateSchedule(buildScheduleGraph([], []), { workers: 2, rank: [] });
    expect(empty).toEqual({ makespan: 0, lowerBound: 0, utilisation: 0, schedule: [] });
  });
  it("rejects bad workers, ranks and durations", () => {
    const g = buildScheduleGraph([1], [[]]);
    expect(() => simulateSchedule(g, { workers: 0, rank: [0] })).toThrow(/workers/);
    expect(() => simulateSchedule(g, { workers: 1, rank: [] })).toThrow(/rank/);
    expect(() => simulateSchedule(g, { workers: 1, rank: [0], durations: [-1] })).toThrow(/durations/);
  });
  it("does not overflow the stack on a 10,000-node chain", () => {
    const n = 10_000;
    const chain = buildScheduleGraph(new Array<number>(n).fill(1), Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])));
    expect(simulateSchedule(chain, { workers: 4, rank: new Array<number>(n).fill(0) }).makespan).toBe(n);
  });
});

function checkInvariants(graph: ScheduleGraph, workers: number, r: SimulationResult): void {
  const n = graph.durations.length;
  expect(r.schedule).toHaveLength(n);
  expect(new Set(r.schedule.map((s) => s.node)).size).toBe(n);
  const at = new Map(r.schedule.map((s) => [s.node, s]));
  let last = 0;
  for (const s of r.schedule) {
    expect(s.worker).toBeGreaterThanOrEqual(0);
    expect(s.worker).toBeLessThan(workers);
    expect(s.end - s.start).toBeCloseTo(graph.durations[s.node] ?? 0, 9);
    for (const d of graph.deps[s.node] ?? []) expect(s.start).toBeGreaterThanOrEqual((at.get(d)?.end ?? Infinity) - EPS);
    for (const c of graph.conflicts?.[s.node] ?? []) {
      const o = at.get(c);
      if (o !== undefined && s.end > s.start && o.end > o.start) expect(s.start < o.end - EPS && o.start < s.end - EPS).toBe(false);
    }
    last = Math.max(last, s.end);
  }
  // At no moment run more than `workers` nodes, and never two at once on one worker.
  for (const s of r.schedule) {
    const running = r.schedule.filter((o) => o.start <= s.start + EPS && o.end > s.start + EPS && o.end > o.start);
    expect(running.length).toBeLessThanOrEqual(workers);
    expect(new Set(running.map((o) => o.worker)).size).toBe(running.length);
  }
  expect(r.makespan).toBeCloseTo(last, 9);
  expect(r.makespan).toBeGreaterThanOrEqual(r.lowerBound - EPS);
}

describe("simulateSchedule properties", () => {
  it("respects workers, deps and conflicts; makespan ≥ lower bound; every node once", () => {
    fc.assert(
      fc.property(dagCase({ conflicts: true }), ({ graph, rank, workers }) => {
        checkInvariants(graph, workers, simulateSchedule(graph, { workers, rank }));
      }),
      { numRuns: 300 },
    );
  });
  it("never leaves a worker idle while a node is ready (no conflicts)", () => {
    fc.assert(
      fc.property(dagCase({ integerDurations: true }), ({ graph, rank, workers }) => {
        const r = simulateSchedule(graph, { workers, rank });
        const at = new Map(r.schedule.map((s) => [s.node, s]));
        for (const s of r.schedule) {
          const ready = Math.max(0, ...(graph.deps[s.node] ?? []).map((d) => at.get(d)?.end ?? 0));
          const moments = [ready, ...r.schedule.map((o) => o.end).filter((t) => t > ready && t < s.start)];
          for (const t of moments.filter((t) => t < s.start)) {
            expect(r.schedule.filter((o) => o.start <= t && o.end > t).length).toBe(workers);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
