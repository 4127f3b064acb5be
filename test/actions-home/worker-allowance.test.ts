// Worker allowances (core/worker-allowance.ts): how the run's remaining budget is split among the jobs side by side,
// re-granted as jobs end, so the outstanding allowances never sum past what the run has left; which stopped job
// stopped on its allowance; and which of those the coordinator resumes (actions-home/allowance-resume.ts).
import { describe, expect, it } from "vitest";
import { resumeAllowanceStops, WAITING_FOR_ALLOWANCE } from "../../src/actions-home/allowance-resume.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { grantAllowance, stoppedOnAllowance } from "../../src/core/worker-allowance.js";
import type { AllowanceRecord } from "../../src/core/worker-allowance.js";
import type { Ledger, LedgerMilestone } from "../../src/github/ledger.js";

const m = (state: string, costUsd = 0, allowanceUsd?: number): AllowanceRecord => ({ state, costUsd, ...(allowanceUsd !== undefined ? { allowanceUsd } : {}) });

describe("grantAllowance", () => {
  it.each<[string, { ceiling?: number; workers: number; milestones: Record<string, AllowanceRecord> }, { allowanceUsd: number; grantUsd: number; freeUsd: number; tooSmall: boolean } | undefined]>([
    ["no ceiling: no allowance", { workers: 2, milestones: { a: m("eligible") } }, undefined],
    ["alone: all of it", { ceiling: 1, workers: 2, milestones: { a: m("eligible") } }, { allowanceUsd: 1, grantUsd: 1, freeUsd: 1, tooSmall: false }],
    ["two side by side, the first of them: half", { ceiling: 1, workers: 2, milestones: { a: m("eligible"), b: m("eligible") } }, { allowanceUsd: 0.5, grantUsd: 0.5, freeUsd: 1, tooSmall: false }],
    ["the second, beside the first's allowance: the other half", { ceiling: 1, workers: 2, milestones: { a: m("claimed", 0, 0.5), b: m("eligible") } }, { allowanceUsd: 0.5, grantUsd: 0.5, freeUsd: 0.5, tooSmall: false }],
    ["three waiting, two workers: split in two, not three", { ceiling: 1, workers: 2, milestones: { a: m("eligible"), b: m("pending"), c: m("pending") } }, { allowanceUsd: 0.5, grantUsd: 0.5, freeUsd: 1, tooSmall: false }],
    ["what an active job has spent of its allowance is not held twice", { ceiling: 1, workers: 2, milestones: { a: m("running", 0.3, 0.5), b: m("eligible") } }, { allowanceUsd: 0.5, grantUsd: 0.5, freeUsd: 0.5, tooSmall: false }],
    ["an ended job's unspent allowance is free again", { ceiling: 1, workers: 2, milestones: { a: m("merged", 0.2, 0.5), b: m("eligible") } }, { allowanceUsd: 0.8, grantUsd: 0.8, freeUsd: 0.8, tooSmall: false }],
    ["a resumed milestone: its recorded spend plus its share", { ceiling: 1, workers: 2, milestones: { a: m("eligible", 0.5, 0.5), b: m("merged", 0.25) } }, { allowanceUsd: 0.75, grantUsd: 0.25, freeUsd: 0.25, tooSmall: false }],
    ["every worker busy beside it: what is free, not less", { ceiling: 1, workers: 2, milestones: { a: m("running", 0, 0.5), b: m("running", 0, 0.25), c: m("eligible") } }, { allowanceUsd: 0.25, grantUsd: 0.25, freeUsd: 0.25, tooSmall: false }],
    ["the running jobs hold it all: too small to start", { ceiling: 1, workers: 2, milestones: { a: m("running", 0.1, 1), b: m("eligible") } }, { allowanceUsd: 0, grantUsd: 0, freeUsd: 0, tooSmall: true }],
    ["a job dispatched without an allowance (an older workflow) holds nothing known", { ceiling: 1, workers: 2, milestones: { a: m("running", 0.1), b: m("eligible") } }, { allowanceUsd: 0.9, grantUsd: 0.9, freeUsd: 0.9, tooSmall: false }],
    ["spent past the ceiling: nothing, never negative", { ceiling: 1, workers: 1, milestones: { a: m("merged", 1.2), b: m("eligible") } }, { allowanceUsd: 0, grantUsd: 0, freeUsd: 0, tooSmall: true }],
    ["thirds round down to a hundredth of a cent", { ceiling: 1, workers: 3, milestones: { a: m("eligible"), b: m("eligible"), c: m("eligible") } }, { allowanceUsd: 0.3333, grantUsd: 0.3333, freeUsd: 1, tooSmall: false }],
  ])("%s", (_, { ceiling, workers, milestones }, expected) => {
    const grant = grantAllowance({ ceilingUsd: ceiling, workers, milestones, id: Object.keys(milestones).find((id) => ["eligible", "pending"].includes(milestones[id]!.state))! });
    expect(grant).toEqual(expected);
  });

  it("never lets the outstanding allowances sum past the remaining budget, granted one by one as jobs start and end", () => {
    const ms: Record<string, AllowanceRecord> = { a: m("eligible"), b: m("eligible"), c: m("eligible"), d: m("pending"), e: m("pending") };
    const outstanding = () => Object.values(ms).filter((r) => ["claimed", "running"].includes(r.state)).reduce((n, r) => n + Math.max(0, (r.allowanceUsd ?? 0) - r.costUsd), 0);
    const spent = () => Object.values(ms).reduce((n, r) => n + r.costUsd, 0);
    const start = (id: string) => {
      const g = grantAllowance({ ceilingUsd: 2, workers: 3, milestones: ms, id })!;
      ms[id] = { ...ms[id]!, state: "claimed", allowanceUsd: g.allowanceUsd };
      expect(outstanding() + spent()).toBeLessThanOrEqual(2 + 1e-9);
    };
    start("a"); start("b"); start("c");
    ms.a = { ...ms.a!, state: "merged", costUsd: 0.1 }; // ended well under its share
    start("d");
    ms.b = { ...ms.b!, state: "paused", costUsd: ms.b!.allowanceUsd! }; // stopped on its allowance
    start("e");
    ms.c = { ...ms.c!, state: "merged", costUsd: 0.2 };
    start("b");
    expect(spent()).toBeLessThanOrEqual(2);
  });
});

describe("stoppedOnAllowance", () => {
  it.each<[string, AllowanceRecord & { signal?: string }, boolean, number | undefined, boolean]>([
    ["at its allowance, nobody asked", m("stopped", 0.5, 0.5), false, undefined, true],
    ["past it (the task in flight's cost)", m("stopped", 0.6, 0.5), false, undefined, true],
    ["the report's cost says so though the ledger does not yet", m("running", 0.25, 0.5), false, 0.5, true],
    ["under it: stopped for another reason", m("stopped", 0.4, 0.5), false, undefined, false],
    ["no allowance", m("stopped", 0.5), false, undefined, false],
    ["a person's stop", { ...m("stopped", 0.5, 0.5), signal: "stop" }, false, undefined, false],
    ["a person's pause", { ...m("stopped", 0.5, 0.5), signal: "pause" }, false, undefined, false],
    ["the run is budget-stopped", m("stopped", 0.5, 0.5), true, undefined, false],
  ])("%s", (_, r, budgetStopped, cost, expected) => {
    expect(stoppedOnAllowance(r, budgetStopped, cost)).toBe(expected);
  });
});

describe("resumeAllowanceStops", () => {
  const plan = parsePlan("version: 1\nmax_workers: 2\nbudget_ceiling: 1\nworker: { command: node agent.mjs }\nmilestones:\n  - { id: a, title: A, tasks: [x] }\n  - { id: b, title: B, tasks: [x] }\n", "weave.yml");
  const rec = (state: LedgerMilestone["state"], extra: Partial<LedgerMilestone> = {}): LedgerMilestone => ({ state, attempts: 1, requeues: 0, tasks: 1, tasksDone: 0, costUsd: 0, ...extra });
  const ledgerOf = (milestones: Record<string, LedgerMilestone>, budgetStopped = false): Ledger => ({
    version: 1, run: { id: "r", trackingIssue: 1, startedBy: "alice", startedAt: "t", target: "main", budgetStopped }, milestones,
  });

  it.each<[string, Ledger, string[], string | undefined]>([
    ["budget left: resumed", ledgerOf({ a: rec("paused", { costUsd: 0.5, allowanceUsd: 0.5 }), b: rec("merged", { costUsd: 0.25 }) }), ["a"], undefined],
    ["the other job holds the rest: waits, says why", ledgerOf({ a: rec("paused", { costUsd: 0.5, allowanceUsd: 0.5 }), b: rec("running", { allowanceUsd: 0.5 }) }), [], WAITING_FOR_ALLOWANCE],
    ["a person's pause: never", ledgerOf({ a: rec("paused", { costUsd: 0.5, allowanceUsd: 0.5, signal: "pause" }), b: rec("merged") }), [], undefined],
    ["the run budget-stopped: never", ledgerOf({ a: rec("paused", { costUsd: 0.5, allowanceUsd: 0.5 }), b: rec("merged") }, true), [], undefined],
    ["paused under its allowance (not the allowance's doing): never", ledgerOf({ a: rec("paused", { costUsd: 0.25, allowanceUsd: 0.5 }), b: rec("merged") }), [], undefined],
  ])("%s", (_, ledger, expected, reason) => {
    expect(resumeAllowanceStops(ledger, plan)).toEqual(expected);
    if (expected.length) expect(ledger.milestones.a?.state).toBe("eligible");
    else expect(ledger.milestones.a?.reason).toBe(reason);
  });
});
