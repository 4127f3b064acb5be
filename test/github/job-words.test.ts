// A job's error words kept as a record's reason (src/github/mutate-record.ts) are one line, bounded, and neutralised:
// the reason is shown in the status comment and the check run, so it must not ping, link or render HTML.
import { describe, expect, it } from "vitest";
import type { LedgerMilestone } from "../../src/github/ledger.js";
import { applyHeartbeat } from "../../src/github/mutate-record.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";

const record = (patch: Partial<LedgerMilestone> = {}): LedgerMilestone => ({ state: "running", attempts: 1, requeues: 0, tasks: 3, tasksDone: 1, costUsd: 0, ...patch });
const HOSTILE = "cc @octocat <img src=x onerror=alert(1)> [win](https://evil.example) closes #1\nsecond line";

describe("a job's error words", () => {
  it.each([
    ["failed", {}],
    ["failed", { resolving: true }],
    ["stopped", {}],
    ["died", {}],
  ] as const)("a %s report keeps them neutralised (%o)", (state, patch) => {
    const r = record(patch);
    const status = { milestone: "M1", state, tasksDone: 1, costUsd: 0.1, error: HOSTILE } as unknown as WorkerStatus;
    applyHeartbeat("M1", r, status, new Date(), false);
    expect(r.reason).toBeDefined();
    expect(r.reason).not.toMatch(/@octocat|<img|\]\(|https:\/\/|#1|second line/);
    expect(r.reason).toContain("octocat");
  });
});
