import { describe, expect, it } from "vitest";
import type { MilestoneState } from "../../src/core/lifecycle.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { decide } from "../../src/reconcile/decide.js";

const plan = parsePlan(`version: 1
worker: { command: x }
merge: { via: direct, auto: auto }
milestones:
  - { id: a, tasks: [t] }
  - { id: b, depends_on: [a], tasks: [t] }
  - { id: c, depends_on: [b], tasks: [t] }
  - { id: x, tasks: [t] }
  - { id: y, depends_on: [x], tasks: [t] }
`, "weave.yml");

function actionsFor(states: Record<string, MilestoneState>) {
  return decide({
    plan, workers: 4, costUsd: 0, budgetStopped: false, rankOf: () => 0,
    milestones: new Map(Object.entries(states).map(([id, state]) => [id, { state, requeues: 0 }])),
  });
}

describe("decide: a skip lifts when its failed dependency is no longer failed", () => {
  it.each([
    ["a merged (resumed, then landed)", { a: "merged", b: "skipped", c: "skipped", x: "failed", y: "skipped" }, ["b", "c"]],
    ["a resumed (eligible again)", { a: "eligible", b: "skipped", c: "skipped", x: "failed", y: "skipped" }, ["b", "c"]],
    ["a still failed", { a: "failed", b: "skipped", c: "skipped", x: "merged", y: "skipped" }, ["y"]],
  ] as const)("%s", (_, states, lifted) => {
    const actions = actionsFor(states as Record<string, MilestoneState>);
    expect(actions.filter((a) => a.kind === "unskip").map((a) => a.id)).toEqual(lifted);
    // A lifted milestone is never skipped again in the same pass, and one whose dependencies merged starts.
    expect(actions.filter((a) => a.kind === "skip").map((a) => a.id)).toEqual([]);
  });

  it("a lifted milestone whose dependencies all merged starts in the same pass", () => {
    const actions = actionsFor({ a: "merged", b: "skipped", c: "skipped", x: "merged", y: "merged" });
    expect(actions.filter((a) => a.kind === "start").map((a) => a.id)).toEqual(["b"]);
  });
});
