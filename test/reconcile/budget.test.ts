// The one budget rule (reconcile/budget.ts) that decide(), the App's heartbeat reply and reconcile, the resolve job
// and the local coordinator's lift all ask. Pure.
import { describe, expect, it } from "vitest";
import { budgetLeft, isBudgetCrossed, isBudgetReached, isOverCeiling, isStopLifted, knownSpend, runSpend } from "../../src/reconcile/budget.js";

describe("budget", () => {
  const rows: Array<[string, { spentUsd: number; ceilingUsd?: number; stopped: boolean }, { over: boolean; reached: boolean; crossed: boolean; lifted: boolean; left: number | undefined }]> = [
    ["no ceiling: never reached", { spentUsd: 1e6, stopped: false }, { over: false, reached: false, crossed: false, lifted: false, left: undefined }],
    ["under the ceiling", { spentUsd: 4.99, ceilingUsd: 5, stopped: false }, { over: false, reached: false, crossed: false, lifted: false, left: 5 - 4.99 }],
    ["at the ceiling: reached, and crossed until recorded", { spentUsd: 5, ceilingUsd: 5, stopped: false }, { over: true, reached: true, crossed: true, lifted: false, left: 0 }],
    ["over it and recorded: reached, not crossed again", { spentUsd: 6, ceilingUsd: 5, stopped: true }, { over: true, reached: true, crossed: false, lifted: false, left: 0 }],
    ["recorded stop under a raised ceiling: still reached until lifted", { spentUsd: 5, ceilingUsd: 10, stopped: true }, { over: false, reached: true, crossed: false, lifted: true, left: 0 }],
    ["recorded stop, ceiling removed: lifted", { spentUsd: 5, stopped: true }, { over: false, reached: true, crossed: false, lifted: true, left: undefined }],
    ["recorded stop, ceiling raised only to the spend: still held", { spentUsd: 5, ceilingUsd: 5, stopped: true }, { over: true, reached: true, crossed: false, lifted: false, left: 0 }],
  ];
  for (const [what, spend, want] of rows) {
    it(what, () => {
      expect(isOverCeiling(spend)).toBe(want.over);
      expect(isBudgetReached(spend)).toBe(want.reached);
      expect(isBudgetCrossed(spend)).toBe(want.crossed);
      expect(isStopLifted(spend)).toBe(want.lifted);
      if (want.left === undefined) expect(budgetLeft(spend)).toBeUndefined();
      else expect(budgetLeft(spend)).toBeCloseTo(want.left);
    });
  }

  it("counts the higher of the recorded and the live spend, never lowering a record", () => {
    const records: Array<[string, { costUsd: number }]> = [["A", { costUsd: 2 }], ["B", { costUsd: 3 }]];
    expect(knownSpend(records)).toBe(5);
    expect(knownSpend(records, (id) => (id === "A" ? 4 : 1))).toBe(7);
  });

  it("builds the run's spend from its records, the ceiling and the stop (what every home hands decide())", () => {
    const records: Array<[string, { costUsd: number }]> = [["A", { costUsd: 2 }], ["B", { costUsd: 3 }]];
    expect(runSpend(records, 10, false)).toEqual({ spentUsd: 5, ceilingUsd: 10, stopped: false });
    expect(runSpend(records, undefined, true, (id) => (id === "B" ? 6 : undefined))).toEqual({ spentUsd: 8, ceilingUsd: undefined, stopped: true });
  });
});
