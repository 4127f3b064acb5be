// The resolve gate (reconcile/resolve-gate.ts): the one answer to "does a resolve job take this conflict?", read by
// decide() and by the App's merge-back (keep a merge asked for, or say the budget is spent). Pure tables; and decide()
// emits `resolve` exactly when the gate says "take", so the two cannot drift.
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { Plan } from "../../src/core/plan/plan.js";
import { decide } from "../../src/reconcile/decide.js";
import { RESOLVE_ATTEMPTS, resolveGate } from "../../src/reconcile/resolve-gate.js";
import type { ResolveGate, ResolveQuestion } from "../../src/reconcile/resolve-gate.js";

const plan = (merge: string): Plan => parsePlan(`version: 1\nmerge: ${merge}\nworker: { command: x }\nmilestones:\n  - { id: A, tasks: [t] }\n`, "weave.yml");
const agent = plan("{ auto: auto, resolve: agent }");
const manual = plan("{ auto: auto }");
const free = { spentUsd: 0, stopped: false };

const rows: Array<[string, ResolveQuestion, ResolveGate]> = [
  ["agent, first attempt, budget free: take", { plan: agent, resolveJobs: true, spend: free }, "take"],
  ["a home without resolve jobs (local)", { plan: agent, resolveJobs: false, spend: free }, "off"],
  ["merge.resolve: manual", { plan: manual, resolveJobs: true, spend: free }, "off"],
  ["the episode's attempts are spent", { plan: agent, resolveJobs: true, resolveAttempts: RESOLVE_ATTEMPTS, spend: free }, "attempts-spent"],
  ["spend at the ceiling", { plan: agent, resolveJobs: true, spend: { spentUsd: 5, ceilingUsd: 5, stopped: false } }, "budget-spent"],
  ["a recorded budget stop under the ceiling", { plan: agent, resolveJobs: true, spend: { spentUsd: 1, ceilingUsd: 5, stopped: true } }, "budget-spent"],
  ["under the ceiling", { plan: agent, resolveJobs: true, spend: { spentUsd: 4.99, ceilingUsd: 5, stopped: false } }, "take"],
];

describe("resolveGate", () => {
  for (const [what, q, want] of rows) it(`${what} → ${want}`, () => expect(resolveGate(q)).toBe(want));

  for (const [what, q, want] of rows) {
    it(`decide() agrees: ${what}`, () => {
      const actions = decide({
        plan: q.plan as Plan,
        milestones: new Map([["A", { state: "conflict", requeues: 0, resolveAttempts: q.resolveAttempts }]]),
        rankOf: () => 0,
        costUsd: q.spend.spentUsd,
        budgetUsd: q.spend.ceilingUsd,
        budgetStopped: q.spend.stopped,
        workers: 1,
        resolveJobs: q.resolveJobs,
      });
      expect(actions.some((a) => a.kind === "resolve")).toBe(want === "take");
    });
  }
});
