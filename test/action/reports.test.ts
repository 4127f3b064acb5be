import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { classifyAnswer, createHttpsReporter } from "../../src/action/https-reporter.js";
import { DIED_REASON, MAX_POST_WINDOW_SEC, postStepReport, postWindowSec, readNotesSeen, UNREACHED_POST_WINDOW_SEC } from "../../src/action/post-report.js";
import { MAX_REASON_CHARS, toWireStatus } from "../../src/action/wire-status.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";

const NOW = new Date("2026-12-02T08:00:00Z");
const running: WorkerStatus = {
  milestone: "M1", runId: "42", state: "running", tasksDone: 1, tasks: 3, currentTask: 2, currentTaskText: "two", costUsd: 0.25, pid: 10, taskPid: 11,
  startedAt: "2026-12-02T07:59:00Z", updatedAt: "2026-12-02T07:59:30Z", headSha: "a".repeat(40),
};

describe("toWireStatus", () => {
  it("drops the output tail and bounds the reason", () => {
    const wire = toWireStatus({ ...running, state: "failed", error: "x".repeat(2000), lastOutput: ["sk-ant-api03-secret", "@everyone"] });
    expect(wire).not.toHaveProperty("lastOutput");
    expect(wire.error).toHaveLength(MAX_REASON_CHARS);
    expect(toWireStatus({ ...running, error: "task 2/3 failed: exit 1" }).error).toBe("task 2/3 failed: exit 1");
  });

  it("sends the listed fields only: one a worker adds later stays on the runner", () => {
    const withVerify = { ...running, verify: { state: "failed" as const, attempt: 2, durationMs: 10, exitCode: 1 } };
    expect(toWireStatus({ ...withVerify, resultLine: "raw agent text" } as WorkerStatus)).toEqual(withVerify);
  });
});

describe("postStepReport", () => {
  it.each(["finished", "failed", "stopped", "paused", "died"] as const)("resends a final %s report as it was", (state) => {
    const last = { ...running, state, currentTask: undefined };
    expect(postStepReport(last, { milestone: "M1", runId: "42", now: NOW })).toBe(last);
  });

  it.each(["starting", "running", "verifying"] as const)("turns a last %s status into died, keeping the progress", (state) => {
    const report = postStepReport({ ...running, state }, { milestone: "M1", runId: "42", now: NOW });
    expect(report).toMatchObject({ state: "died", tasksDone: 1, tasks: 3, costUsd: 0.25, headSha: "a".repeat(40), error: DIED_REASON, updatedAt: NOW.toISOString() });
    expect(report.currentTask).toBeUndefined();
    expect(report.taskPid).toBeUndefined();
  });

  it("reports died with nothing done when there is no status, or one of another milestone", () => {
    for (const last of [null, { ...running, milestone: "M2", state: "finished" as const }]) {
      expect(postStepReport(last, { milestone: "M1", runId: "42", now: NOW })).toMatchObject({ milestone: "M1", runId: "42", state: "died", tasksDone: 0, error: DIED_REASON });
    }
  });
});

describe("postWindowSec", () => {
  it.each([
    [false, 300, UNREACHED_POST_WINDOW_SEC], [true, 300, 300], [true, 20, 20], [true, 3600, MAX_POST_WINDOW_SEC], [true, undefined, 300],
  ])("reached %s, heartbeat_timeout %s → %s s", (reached, timeout, want) => {
    expect(postWindowSec(reached, timeout)).toBe(want);
  });
});

describe("readNotesSeen (the note ids the main step saved for the final report)", () => {
  it.each<[string, string, string[]]>([
    ["none saved", "", []],
    ["a JSON array of ids", '["n1","n2"]', ["n1", "n2"]],
    ["not JSON", "n1,n2", []],
    ["not an array of ids", '[1, {"id":"n1"}]', []],
    ["an empty id", '[""]', []],
    ["an id longer than the body schema allows", JSON.stringify(["x".repeat(65)]), []],
    ["more ids than a report acknowledges", JSON.stringify(Array.from({ length: 101 }, (_, i) => `n${i}`)), []],
  ])("%s", (_, saved, want) => {
    expect(readNotesSeen(saved)).toEqual(want);
  });
});

describe("classifyAnswer", () => {
  it.each([[200, "ok"], [204, "ok"], [401, "retry"], [408, "retry"], [429, "retry"], [500, "retry"], [503, "retry"], [400, "refused"], [403, "refused"], [404, "refused"], [413, "refused"]] as const)("%s → %s", (status, want) => {
    expect(classifyAnswer(status)).toBe(want);
  });
});

describe("the HTTPS reporter against a real server", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** Answers with the statuses of `script` in turn (then the last one), recording each body. */
  async function app(script: number[]) {
    const bodies: { status: WorkerStatus }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { status: WorkerStatus });
        const code = script[Math.min(bodies.length - 1, script.length - 1)]!;
        res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(code === 200 ? { signal: null } : { error: `no (${code})` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    close = () => new Promise((r) => server.close(() => r()));
    const reporter = createHttpsReporter({ appUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dispatchId: "d-1", getIdToken: async () => "t", log: () => undefined, backoffMs: [1, 1], sleep: async () => undefined });
    return { bodies, reporter };
  }

  it("counts the final report acknowledged only when the App answered it, not an earlier heartbeat", async () => {
    const { reporter } = await app([200, 503]);
    await reporter.report(running);
    // The heartbeat is sent in the background: wait for the App's answer however busy the machine is.
    for (let waited = 0; !reporter.reached && waited < 30_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(reporter.reached).toBe(true);
    await reporter.report({ ...running, state: "finished" });
    expect(reporter.finalAcknowledged).toBe(false);
  });

  it("resends until acknowledged, and never sends the output tail", async () => {
    const { bodies, reporter } = await app([503, 502, 500, 200]);
    const outcome = await reporter.sendUntilAcknowledged({ ...running, state: "failed", lastOutput: ["secret"] }, { untilMs: Date.now() + 60_000, delaysMs: [1] });
    expect(outcome).toBe("acknowledged");
    expect(bodies).toHaveLength(4);
    for (const b of bodies) expect(b.status).not.toHaveProperty("lastOutput");
    expect(reporter.finalAcknowledged).toBe(true);
  });

  it("stops at a refusal a retry cannot change, and at the deadline", async () => {
    const refused = await app([403]);
    expect(await refused.reporter.sendUntilAcknowledged({ ...running, state: "finished" }, { untilMs: Date.now() + 60_000, delaysMs: [1] })).toBe("refused");
    expect(refused.bodies).toHaveLength(1);
    expect(refused.reporter.lastError).toBe("HTTP 403: no (403)");
    await close?.();
    const down = await app([503]);
    expect(await down.reporter.sendUntilAcknowledged({ ...running, state: "finished" }, { untilMs: Date.now() - 1, delaysMs: [1000] })).toBe("unreachable");
    expect(down.bodies).toHaveLength(1);
  });
});
