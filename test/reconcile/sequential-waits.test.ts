import { describe, expect, it } from "vitest";
import type { MilestoneState } from "../../src/core/lifecycle.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { decide, sequentialMergeWaits } from "../../src/reconcile/decide.js";

const plan = (order: string) => parsePlan(`version: 1
worker: { command: x }
merge: { via: direct, auto: auto, order: ${order} }
milestones:
  - { id: a, tasks: [t] }
  - { id: b, tasks: [t] }
  - { id: c, tasks: [t] }
  - { id: d, tasks: [t] }
`, "weave.yml");

describe("sequential merge order says who waits for whom", () => {
  it.each([
    ["b conflicted: c and d wait for b", { a: "merged", b: "conflict", c: "finished", d: "finished" }, { c: "b", d: "b" }],
    ["a paused: b waits for a", { a: "paused", b: "finished", c: "running", d: "failed" }, { b: "a" }],
    ["a failed: it never blocks; b lands first, c after it", { a: "failed", b: "finished", c: "finished", d: "pending" }, { c: "b" }],
    ["a lands now, d after it", { a: "finished", b: "merged", c: "skipped", d: "finished" }, { d: "a" }],
  ] as const)("%s", (_, states, waits) => {
    expect(Object.fromEntries(sequentialMergeWaits(plan("sequential"), new Map(Object.entries(states) as [string, MilestoneState][])))).toEqual(waits);
  });

  it("the merges decide() makes are exactly the finished milestones that do not wait", () => {
    const states = { a: "merged", b: "conflict", c: "finished", d: "finished" } as const;
    const actions = decide({
      plan: plan("sequential"), workers: 2, costUsd: 0, budgetStopped: false, rankOf: () => 0,
      milestones: new Map(Object.entries(states).map(([id, state]) => [id, { state, requeues: 0 }])),
    });
    expect(actions.filter((a) => a.kind === "merge")).toEqual([]);
  });

  it("completion order never waits", () => {
    expect(sequentialMergeWaits(plan("completion"), new Map([["a", "conflict"], ["b", "finished"]]))).toEqual(new Map());
  });
});
