// What a coordinator run makes of its event (a table of payloads → requests; a fork's review ends the run), and how a worker's report, sent as
// the coordinator dispatch's `report` input, is weighed: only from a GITHUB_TOKEN, for the dispatch and run the
// ledger holds, within the claim rules — and then only as a heartbeat of that run.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCoordinatePass } from "../../src/actions-home/coordinate.js";
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
    ["pull_request_review", { action: "submitted", review: { state: "APPROVED", user: { login: "carol" } }, pull_request: { number: 12, head: { ref: "weave/ui", repo: { full_name: "acme/widgets" } } }, repository: { full_name: "Acme/Widgets" } }, { kind: "review", pull: 12, login: "carol", approved: true }],
    ["pull_request_review", { action: "submitted", review: { state: "APPROVED", user: { login: "carol" } }, pull_request: { number: 13, head: { ref: "weave/ui", repo: { full_name: "mallory/widgets" } } }, repository: { full_name: "acme/widgets" } }, { kind: "ignore", why: "a review of #13, a pull request from the fork mallory/widgets: weave's pull requests come from this repository's branches" }],
    ["pull_request_review", { action: "submitted", review: { state: "APPROVED", user: { login: "carol" } }, pull_request: { number: 14, head: { ref: "weave/ui", repo: null } }, repository: { full_name: "acme/widgets" } }, { kind: "ignore", why: "a review of #14, a pull request from a deleted fork: weave's pull requests come from this repository's branches" }],
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

describe("a review of a fork's pull request", () => {
  it("ends the coordinator run at once, without the secrets GitHub does not give it (no WEAVE_LEDGER_KEY, no call)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-fork-review-"));
    try {
      const event = join(dir, "event.json");
      await writeFile(event, JSON.stringify({ action: "submitted", review: { state: "approved", user: { login: "mallory" } }, pull_request: { number: 9, head: { ref: "weave/api", repo: { full_name: "mallory/widgets" } } }, repository: { full_name: "acme/widgets" } }));
      const logged: string[] = [];
      // A read-only token and no secrets, as GitHub runs it; the API URL leads nowhere: no call may be made.
      const env = { GITHUB_TOKEN: "ghs_readonly", GITHUB_REPOSITORY: "acme/widgets", GITHUB_EVENT_NAME: "pull_request_review", GITHUB_EVENT_PATH: event, GITHUB_API_URL: "http://127.0.0.1:9", RUNNER_TEMP: dir };
      const outcome = await runCoordinatePass({ env, core: { getInput: () => "", setSecret: () => {}, info: (m) => logged.push(m) } });
      expect(outcome).toEqual({ request: "ignore", verbs: [], calls: 0, appCalls: 0 });
      expect(logged).toEqual(["weave: nothing to coordinate for pull_request_review: a review of #9, a pull request from the fork mallory/widgets: weave's pull requests come from this repository's branches"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
