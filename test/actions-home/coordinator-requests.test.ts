// What a coordinator run makes of its event (a table of payloads → requests), and how a worker's report, sent as
// the coordinator dispatch's `report` input, is weighed: only from a GITHUB_TOKEN, for the dispatch and run the
// ledger holds, within the claim rules — and then only as a heartbeat of that run.
import { describe, expect, it } from "vitest";
import { readCoordinatorRequest } from "../../src/actions-home/coordinate-event.js";
import { ACTIONS_BOT, acceptWorkerReport } from "../../src/actions-home/coordinate-report.js";
import type { Ledger } from "../../src/github/ledger.js";
import { ledgerGuardFor } from "../../src/github/ledger.js";
import { createSession } from "../../src/github/repo-session.js";

const comment = (action: string, body: string, type = "User") => ({ action, issue: { number: 7 }, comment: { id: 70, body, user: { login: "alice", type } } });

describe("readCoordinatorRequest", () => {
  it.each([
    ["issue_comment", comment("created", "/weave start"), { kind: "comment", comment: { issueNumber: 7, commentId: 70, body: "/weave start", login: "alice", isBot: false } }],
    ["issue_comment", comment("created", "/weave stop", "Bot"), { kind: "comment", comment: { issueNumber: 7, commentId: 70, body: "/weave stop", login: "alice", isBot: true } }],
    ["issue_comment", comment("edited", "/weave start"), { kind: "reconcile", trigger: "event" }],
    ["check_run", { action: "requested_action", check_run: { external_id: "api" }, requested_action: { identifier: "merge" }, sender: { login: "bob" } }, { kind: "button", milestone: "api", identifier: "merge", login: "bob" }],
    ["check_run", { action: "completed", check_run: { external_id: "" } }, { kind: "reconcile", trigger: "checks" }],
    ["pull_request_review", { action: "submitted", review: { state: "APPROVED", user: { login: "carol" } }, pull_request: { number: 12, head: { ref: "weave/ui" } } }, { kind: "review", pull: 12, login: "carol", approved: true }],
    ["pull_request_review", { action: "submitted", review: { state: "approved", user: { login: "carol" } }, pull_request: { number: 12, head: { ref: "feature" } } }, { kind: "reconcile", trigger: "checks" }],
    ["push", { ref: "refs/heads/main" }, { kind: "reconcile", trigger: "push" }],
    ["workflow_dispatch", { inputs: { report: "{}" }, sender: { login: ACTIONS_BOT } }, { kind: "reconcile", trigger: "event", report: { text: "{}", sender: ACTIONS_BOT } }],
    ["workflow_dispatch", { inputs: {}, sender: { login: "alice" } }, { kind: "reconcile", trigger: "event" }],
    ["schedule", { schedule: "*/15 * * * *" }, { kind: "reconcile", trigger: "tick" }],
    ["issue_comment", "not an object", { kind: "reconcile", trigger: "event" }],
    ["schedule", undefined, { kind: "reconcile", trigger: "tick" }],
  ])("%s %j", (event, payload, expected) => {
    expect(readCoordinatorRequest(event, payload)).toEqual(expected);
  });
});

const HEAD = "a".repeat(40);
function world(): { ledger: Ledger; session: ReturnType<typeof createSession> } {
  const ledger: Ledger = {
    version: 1,
    run: { id: "r1", trackingIssue: 1, startedBy: "alice", startedAt: "2026-01-01T00:00:00Z", target: "main", budgetStopped: false },
    milestones: { api: { state: "claimed", attempts: 1, requeues: 0, tasks: 2, tasksDone: 0, costUsd: 0, dispatchId: "r1.api.1.abc", runId: 55 } },
  };
  return { ledger, session: createSession("acme/widgets", 0, "/nonexistent", ledgerGuardFor({ webhookSecret: "test-secret" })) };
}
const status = (over: Record<string, unknown> = {}) => ({ milestone: "api", runId: "55", state: "finished", tasksDone: 2, tasks: 2, costUsd: 0.2, startedAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:01:00Z", headSha: HEAD, ...over });
const report = (over: Record<string, unknown> = {}, dispatchId = "r1.api.1.abc") => JSON.stringify({ dispatch_id: dispatchId, status: status(over) });

describe("acceptWorkerReport", () => {
  it("turns a well-formed report from a job's token into a heartbeat of the run the ledger holds", () => {
    const { ledger, session } = world();
    expect(acceptWorkerReport(session, ledger, report(), ACTIONS_BOT, new Date(1000))).toBeUndefined();
    expect(session.heartbeats.get("api")).toEqual({ status: expect.objectContaining({ state: "finished", headSha: HEAD, costUsd: 0.2 }), at: 1000, runId: 55 });
  });

  it.each([
    ["a person's dispatch", report(), "alice", /not by a job's GITHUB_TOKEN/],
    ["text that is not JSON", "{", ACTIONS_BOT, /not JSON/],
    ["a body outside the schema", JSON.stringify({ dispatch_id: "r1.api.1.abc", status: { ...status(), extra: 1 } }), ACTIONS_BOT, /not a weave worker status/],
    ["another dispatch of the milestone", report({}, "r1.api.0.old"), ACTIONS_BOT, /not of the dispatch/],
    ["a milestone the ledger lacks", report({ milestone: "nope" }), ACTIONS_BOT, /not of the dispatch/],
    ["more tasks done than planned", report({ tasksDone: 3, tasks: 3 }), ACTIONS_BOT, /breaks weave's rules/],
  ])("sets aside %s", (_what, text, sender, reason) => {
    const { ledger, session } = world();
    expect(acceptWorkerReport(session, ledger, text, sender, new Date(1000))).toMatch(reason);
    expect(session.heartbeats.size).toBe(0);
  });

  it("waits for the run id when GitHub has not named the run yet", () => {
    const { ledger, session } = world();
    ledger.milestones.api!.runId = undefined;
    expect(acceptWorkerReport(session, ledger, report(), ACTIONS_BOT, new Date(1000))).toMatch(/not known yet/);
  });
});
