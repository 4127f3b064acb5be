// Unknown cost on GitHub's surfaces: the status comment, the check run and the Action's job summary say "unknown"
// (never $0.00) and the comment names which milestones' spend is unknown; the budget's share counts known spend.
import { describe, expect, it } from "vitest";
import { renderJobSummary } from "../../src/action/run-milestone.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { checkRunUpdate } from "../../src/github/check-runs.js";
import type { Ledger, LedgerMilestone } from "../../src/github/ledger.js";
import { renderStatusComment } from "../../src/github/status-comment.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";

const plan = parsePlan("version: 1\nbudget_ceiling: 2\nworker: { command: ./agent.sh }\nmilestones:\n  - { id: a, tasks: [t] }\n  - { id: b, tasks: [t] }\n", ".github/weave.yml");
const record = (over: Partial<LedgerMilestone>): LedgerMilestone => ({ state: "running", attempts: 1, requeues: 0, tasks: 1, tasksDone: 0, costUsd: 0, ...over });
const now = new Date("2026-12-02T12:00:00Z");

describe("unknown cost on GitHub", () => {
  it("the status comment shows unknown, names the milestone, and counts known spend against the budget", () => {
    const ledger: Ledger = {
      version: 1, run: { id: "r1", trackingIssue: 1, startedBy: "alice", startedAt: now.toISOString(), target: "main", budgetStopped: false },
      milestones: { a: record({ costUsd: 1 }), b: record({ costUsd: 0, costUnknown: true }) },
    };
    const comment = renderStatusComment(plan, ledger, now);
    expect(comment).toMatch(/\| \*\*b\*\* \| running \| 0\/1 \| unknown \|/);
    expect(comment).toContain("cost $1.00 known (unknown for b) · budget $2.00 (50 % used)");
  });

  it("the check run's title and summary say unknown", () => {
    const update = checkRunUpdate(plan.milestones[1]!, record({ costUsd: 0, costUnknown: true }), now) as { output: { title: string; summary: string } };
    expect(update.output.title).toBe("running — 0/1 tasks, unknown");
    expect(update.output.summary).toContain("| cost | unknown |");
    const partly = checkRunUpdate(plan.milestones[1]!, record({ costUsd: 0.5, costUnknown: true }), now) as { output: { summary: string } };
    expect(partly.output.summary).toContain("| cost | $0.5000 + unknown |");
  });

  it("the job summary says unknown", () => {
    const status: WorkerStatus = { milestone: "b", runId: "1", state: "finished", tasksDone: 1, tasks: 1, costUsd: 0, costUnknown: true, pid: 1, startedAt: now.toISOString(), updatedAt: now.toISOString() };
    expect(renderJobSummary(status, 5, "")).toContain("| cost | unknown |");
    expect(renderJobSummary({ ...status, costUnknown: undefined }, 5, "")).toContain("| cost | $0.0000 |");
  });
});
