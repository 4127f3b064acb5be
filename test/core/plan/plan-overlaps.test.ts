/**
 * The plan's file overlaps, one answer for `plan check` and `plan eligible`: overlapping declared files of
 * milestones that may run at the same time; pairs ordered by `depends_on` (directly or through others) are not.
 */
import { describe, expect, it } from "vitest";
import { findEligibility } from "../../../src/core/eligibility.js";
import type { MilestoneState } from "../../../src/core/lifecycle.js";
import { parsePlan } from "../../../src/core/plan/parse-plan.js";
import { planFileOverlaps } from "../../../src/core/plan/plan-overlaps.js";

const plan = (milestones: string) => parsePlan(`version: 1\nworker: { command: x }\nmilestones:\n${milestones}`, "weave.yml");
const pairs = (text: string) => planFileOverlaps(plan(text)).map((o) => `${o.a}~${o.b}: ${o.files.join(",")}`);

describe("planFileOverlaps", () => {
  it.each([
    ["siblings overlap", `  - { id: A, tasks: [t], files: [x.ts] }\n  - { id: B, tasks: [t], files: [x.ts] }\n`, ["A~B: x.ts"]],
    ["a direct dependency never runs beside", `  - { id: A, tasks: [t], files: [x.ts] }\n  - { id: B, tasks: [t], depends_on: [A], files: [x.ts] }\n`, []],
    ["nor a dependency through another", `  - { id: A, tasks: [t], files: ["src/**"] }\n  - { id: B, tasks: [t], depends_on: [A] }\n  - { id: C, tasks: [t], depends_on: [B], files: [src/a.ts] }\n`, []],
    ["two dependents of one milestone may run together", `  - { id: A, tasks: [t], files: [t.ts] }\n  - { id: B, tasks: [t], depends_on: [A], files: [t.ts, "b/**"] }\n  - { id: C, tasks: [t], depends_on: [A], files: [t.ts] }\n`, ["B~C: t.ts"]],
    ["disjoint files", `  - { id: A, tasks: [t], files: ["a/**"] }\n  - { id: B, tasks: [t], files: ["b/**"] }\n`, []],
  ])("%s", (_name, text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });

  it("is what the eligibility report lists, whatever the run's state", () => {
    const p = plan(`  - { id: A, tasks: [t], files: [t.ts] }
  - { id: B, tasks: [t], depends_on: [A], files: [t.ts] }
  - { id: C, tasks: [t], depends_on: [A], files: [t.ts] }
  - { id: D, tasks: [t], files: [t.ts] }
`);
    const expected = planFileOverlaps(p);
    expect(expected.map((o) => `${o.a}~${o.b}`)).toEqual(["A~D", "B~C", "B~D", "C~D"]);
    const runs: Record<string, MilestoneState>[] = [{}, { A: "running" }, { A: "merged" }, { A: "merged", B: "running", D: "merged" }];
    for (const s of runs) expect(findEligibility(p, new Map(Object.entries(s))).overlaps.map(({ a, b, files }) => ({ a, b, files }))).toEqual(expected);
  });
});
