// What the App makes of the post step's `died` report (src/github/mutate-record.ts): requeue like a silent job,
// unless a person asked for a stop or pause, the budget stopped the run, or it was a resolve job.
import { describe, expect, it } from "vitest";
import type { LedgerMilestone } from "../../src/github/ledger.js";
import { applyHeartbeat } from "../../src/github/mutate-record.js";
import { postStepReport } from "../../src/action/post-report.js";

const died = postStepReport(null, { milestone: "M1", runId: "7", now: new Date("2026-12-02T08:00:00Z") });
const record = (patch: Partial<LedgerMilestone> = {}): LedgerMilestone => ({ state: "running", attempts: 1, requeues: 0, tasks: 3, tasksDone: 1, costUsd: 0, ...patch });

describe("a died report", () => {
  it.each([
    ["a running job", {}, false, "stale"],
    ["a claimed job", { state: "claimed" as const }, false, "stale"],
    ["a job a person stopped", { signal: "stop" as const }, false, "stopped"],
    ["a job a person paused", { signal: "pause" as const }, false, "paused"],
    ["a job at the budget", {}, true, "stopped"],
    ["a resolve job", { resolving: true }, false, "conflict"],
  ])("moves %s to the right state", (_what, patch, budget, want) => {
    const r = record(patch);
    expect(applyHeartbeat("M1", r, { ...died, tasksDone: 1 }, new Date(), budget)).toBe(true);
    expect(r.state).toBe(want);
    if (want === "stale") expect(r.reason).toMatch(/main step ended without a final report/);
  });
});
