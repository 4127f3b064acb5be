import { describe, expect, it } from "vitest";
import { wireBody } from "../../src/action/wire-status.js";
import { HEARTBEAT_BODY_VERSION, heartbeatBodyContract, parseHeartbeatBody } from "../../src/core/contracts/heartbeat-body.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import { errorOf } from "./contract-fixtures.js";

const status: WorkerStatus = {
  milestone: "M1", runId: "42", state: "running", tasksDone: 1, tasks: 3, currentTask: 2, currentTaskText: "two", costUsd: 0.25, pid: 10, taskPid: 11,
  startedAt: "2026-12-02T07:59:00Z", updatedAt: "2026-12-02T07:59:30Z", headSha: "a".repeat(40), verify: { state: "passed", attempt: 1, durationMs: 5, exitCode: 0 },
  lastOutput: ["agent text"],
};
// What the Action sent before the contract existed (https-reporter.ts on today's main): no version.
const todays = { dispatch_id: "d-1", status: { ...status, lastOutput: undefined }, notes_seen: ["n1"] };

describe("heartbeat body contract (POST /weave/heartbeat, final reports)", () => {
  it("the App reads what the Action builds: one definition on both ends", () => {
    const parsed = parseHeartbeatBody(JSON.parse(wireBody("d-1", status, ["n1"])));
    expect(parsed).toEqual({ ok: true, body: { dispatch_id: "d-1", status: { ...status, lastOutput: undefined }, notes_seen: ["n1"] } });
    expect(JSON.parse(wireBody("d-1", status, []))).not.toHaveProperty("notes_seen");
  });

  it("the Action sends no version while it is 1 (an App from before the field refuses unknown keys)", () => {
    expect(JSON.parse(wireBody("d-1", status))).not.toHaveProperty("version");
  });

  it.each([
    ["today's body, without a version", JSON.parse(JSON.stringify(todays))],
    ["a body that says version 1", { ...JSON.parse(JSON.stringify(todays)), version: 1 }],
    ["an unknown cost (null)", { status: { ...JSON.parse(JSON.stringify(todays.status)), costUsd: null } }],
  ])("accepts %s", (_name, body) => {
    expect(parseHeartbeatBody(body).ok).toBe(true);
  });

  it("refuses a newer version with a problem that says to upgrade the App", () => {
    const parsed = parseHeartbeatBody({ ...todays, version: HEARTBEAT_BODY_VERSION + 1 });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([expect.stringMatching(/^version: .*version 2.*upgrade the weave App/)]);
    expect(errorOf(() => heartbeatBodyContract.parse({ ...todays, version: 2 }, "body")).code).toBe("contract-newer");
  });

  it.each([
    ["an unknown top-level key", { ...todays, extra: 1 }, "(top level): "],
    ["the agent's output tail", { ...todays, status: { ...todays.status, lastOutput: ["secret"] } }, "status: "],
    ["an unknown state", { ...todays, status: { ...todays.status, state: "dancing" } }, "status.state: "],
    ["a negative cost", { ...todays, status: { ...todays.status, costUsd: -1 } }, "status.costUsd: "],
    ["a head that is not a sha", { ...todays, status: { ...todays.status, headSha: "main" } }, "status.headSha: "],
    ["too many notes", { ...todays, notes_seen: Array.from({ length: 201 }, (_, i) => `n${i}`) }, "notes_seen: "],
    ["a text version", { ...todays, version: "1" }, "version: "],
  ])("refuses %s, naming the field", (_name, body, problem) => {
    const parsed = parseHeartbeatBody(JSON.parse(JSON.stringify(body)));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.some((p) => p.startsWith(problem))).toBe(true);
  });

  it.each([null, [], "text", 3])("refuses a body that is not an object (%j)", (body) => {
    const parsed = parseHeartbeatBody(body);
    expect(!parsed.ok && parsed.problems[0]).toMatch(/expected a JSON object/);
  });
});
