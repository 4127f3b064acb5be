// The pieces of the Actions-home worker, one by one: what it reads in the ledger (a table), the budget it derives,
// the rate its check-run updates keep, the claim it writes and what of it the coordinator takes back, and the
// ledger reporter over a real git ledger (a bare repository the test moves as the coordinator would).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLedgerFetch } from "../../src/action/ledger-fetch.js";
import { createLedgerReporter } from "../../src/action/ledger-reporter.js";
import { ledgerBudgetLeft, workerBudgetLeft, progressIntervalSec, readLedgerView, WORKER_PROGRESS_CALLS_PER_HOUR } from "../../src/action/ledger-view.js";
import { CLAIM_MARK, readWorkerCheckClaim, workerCheckOutput } from "../../src/action/worker-check-run.js";
import { takeCheckRunClaim } from "../../src/actions-home/coordinate-liveness.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";

const ledger = (milestones: Record<string, unknown>, run: unknown = { budgetStopped: false }) => ({ version: 1, run, milestones });
const rec = (extra: Record<string, unknown> = {}) => ({ state: "running", attempts: 1, requeues: 0, tasks: 3, tasksDone: 0, costUsd: 0, ...extra });

describe("readLedgerView", () => {
  it.each([
    ["its own record, its dispatch", ledger({ a: rec({ dispatchId: "d1", checkRunId: 7, signal: "pause", costUsd: 0.1 }), b: rec({ costUsd: 0.4 }) }), { hasRun: true, ours: true, signal: "pause", checkRunId: 7, budgetStopped: false, ownCostUsd: 0.1, othersCostUsd: 0.4 }],
    ["another dispatch's record: no signal, no check run", ledger({ a: rec({ dispatchId: "d0", checkRunId: 7, signal: "stop" }) }), { hasRun: true, ours: false, budgetStopped: false, ownCostUsd: 0, othersCostUsd: 0 }],
    ["budget stopped", ledger({ a: rec({ dispatchId: "d1" }) }, { budgetStopped: true }), { hasRun: true, ours: true, budgetStopped: true, ownCostUsd: 0, othersCostUsd: 0 }],
    ["no run", { version: 1, milestones: {} }, { hasRun: false, ours: false, budgetStopped: false, ownCostUsd: 0, othersCostUsd: 0 }],
    ["its notes, only their id and text", ledger({ a: rec({ dispatchId: "d1", notes: [{ id: "n1", text: "use v2", by: "alice", at: "t" }] }) }), { hasRun: true, ours: true, notes: [{ id: "n1", text: "use v2" }], budgetStopped: false, ownCostUsd: 0, othersCostUsd: 0 }],
    ["another dispatch's notes are not this job's", ledger({ a: rec({ dispatchId: "d0", notes: [{ id: "n1", text: "use v2", by: "alice", at: "t" }] }) }), { hasRun: true, ours: false, budgetStopped: false, ownCostUsd: 0, othersCostUsd: 0 }],
    ["notes that do not parse are none", ledger({ a: rec({ dispatchId: "d1", notes: [{ id: 3 }] }) }), { hasRun: true, ours: true, budgetStopped: false, ownCostUsd: 0, othersCostUsd: 0 }],
    ["an unknown signal is no signal", ledger({ a: rec({ dispatchId: "d1", signal: "explode" }) }), { hasRun: true, ours: true, budgetStopped: false, ownCostUsd: 0, othersCostUsd: 0 }],
  ])("%s", (_name, json, expected) => {
    expect(readLedgerView(json, "a", "d1")).toEqual(expected);
  });

  it.each([["not an object", "x"], ["no milestones", { version: 1 }], ["null", null]])("%s reads as undefined", (_name, json) => {
    expect(readLedgerView(json, "a", "d1")).toBeUndefined();
  });
});

describe("ledgerBudgetLeft", () => {
  const view = readLedgerView(ledger({ a: rec({ dispatchId: "d1", costUsd: 0.25 }), b: rec({ costUsd: 0.5 }) }), "a", "d1")!;
  it.each([
    ["no ceiling", view, undefined, 0, undefined],
    ["no ledger read yet", undefined, 1, 0, undefined],
    ["the ceiling less the others' and its own recorded spend", view, 1, 0, 0.25],
    ["its own settled spend when larger than the ledger's", view, 1, 0.5, 0],
    ["spent past the ceiling", view, 1, 0.75, -0.25],
    ["budget stopped", { ...view, budgetStopped: true }, 10, 0, 0],
  ])("%s", (_name, v, ceiling, settled, expected) => {
    expect(ledgerBudgetLeft(v, ceiling, settled)).toBe(expected);
  });
});

describe("workerBudgetLeft (the ledger's word and the job's allowance)", () => {
  it.each<[string, number | undefined, number | undefined, number, number | undefined]>([
    ["neither: undefined (the worker loop's own ceiling check)", undefined, undefined, 0, undefined],
    ["the ledger's word alone (a workflow without the input)", 0.75, undefined, 0.25, 0.75],
    ["the allowance alone (the ledger not read yet)", undefined, 0.5, 0.25, 0.25],
    ["the allowance is the lesser", 0.75, 0.5, 0.25, 0.25],
    ["the ledger is the lesser (another job's report landed)", 0.1, 0.5, 0.25, 0.1],
    ["the allowance spent", 0.75, 0.5, 0.5, 0],
  ])("%s", (_name, ledgerLeft, allowance, settled, expected) => {
    expect(workerBudgetLeft(ledgerLeft, allowance, settled)).toBe(expected);
  });
});

describe("progressIntervalSec", () => {
  it.each([[1, 1, 9], [4, 1, 36], [3, 60, 60], [10, 10, 90]])("max_workers %d, heartbeat %d s: every %d s", (workers, heartbeat, expected) => {
    expect(progressIntervalSec(workers, heartbeat)).toBe(expected);
    // max_workers workers together stay within the share of GITHUB_TOKEN's hourly calls weave gives them.
    expect((workers * 3600) / progressIntervalSec(workers, heartbeat)).toBeLessThanOrEqual(WORKER_PROGRESS_CALLS_PER_HOUR);
  });
});

const status = (extra: Partial<WorkerStatus> = {}): WorkerStatus => ({
  milestone: "a", runId: "41", state: "running", tasksDone: 1, tasks: 3, currentTask: 2, currentTaskText: "the secret plan text", costUsd: 0.3, pid: 12, startedAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:01:00.000Z", lastOutput: ["agent output"], ...extra,
});

describe("the worker's check run claim", () => {
  it("carries weave's fields only, and reads back as the heartbeat body", () => {
    const out = workerCheckOutput(status(), "d1");
    expect(out.title).toBe("running — 1/3 tasks, $0.30 (the job's report)");
    expect(out.text.startsWith(CLAIM_MARK)).toBe(true);
    expect(`${out.title}${out.summary}${out.text}`).not.toMatch(/secret plan text|agent output/);
    expect(readWorkerCheckClaim(out.text)).toEqual({ dispatch_id: "d1", status: { milestone: "a", runId: "41", state: "running", tasksDone: 1, tasks: 3, currentTask: 2, costUsd: 0.3, pid: 12, startedAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:01:00.000Z" } });
  });

  const text = (s: Partial<WorkerStatus>, dispatch = "d1") => workerCheckOutput(status(s), dispatch).text;
  it.each([
    ["a live claim of the current dispatch", text({}), "a", true],
    ["another dispatch's claim", text({}, "d0"), "a", false],
    ["another milestone's claim", text({ milestone: "b" }), "a", false],
    ["a final state (only the closing report says that)", text({ state: "finished", tasksDone: 3 }), "a", false],
    ["more tasks done than the plan has", text({ tasksDone: 4 }), "a", false],
    ["a wrong task count", text({ tasks: 5 }), "a", false],
    ["no claim at all", "some text", "a", false],
    ["a claim that is not JSON", `${CLAIM_MARK}{nope`, "a", false],
    ["a claim with a field the schema does not know", `${CLAIM_MARK}${JSON.stringify({ dispatch_id: "d1", status: { ...JSON.parse(text({}).slice(CLAIM_MARK.length)).status, extra: 1 } })}`, "a", false],
  ])("%s: taken %s", (_name, t, id, taken) => {
    expect(takeCheckRunClaim(t, id, { dispatchId: "d1", tasks: 3 }) !== undefined).toBe(taken);
  });
});

describe("the ledger reporter over a real git ledger", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A bare repository whose refs/weave/state the test moves as a coordinator would. */
  function gitLedger(): { url: string; write(json: unknown): void } {
    dir = mkdtempSync(join(tmpdir(), "weave-ledger-"));
    const bare = join(dir, "origin.git");
    const work = join(dir, "work");
    execFileSync("git", ["init", "-q", "--bare", bare]);
    execFileSync("git", ["init", "-q", work]);
    const git = (...args: string[]) => execFileSync("git", ["-C", work, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    return {
      url: bare,
      write(json) {
        writeFileSync(join(work, "state.json"), JSON.stringify(json));
        git("add", "state.json");
        git("commit", "-q", "-m", "ledger");
        git("push", "-q", "-f", bare, "HEAD:refs/weave/state");
      },
    };
  }

  it("takes its own pause and stop from the ledger, the run's budget, and writes progress at the rate asked", async () => {
    const origin = gitLedger();
    origin.write(ledger({ a: rec({ dispatchId: "d1", checkRunId: 9 }), b: rec({ costUsd: 0.75 }) }));
    let clock = 0;
    const published: [number, string, number | undefined][] = [];
    const fetcher = createLedgerFetch({ gitDir: join(dir!, "reader.git"), url: origin.url, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    const reporter = createLedgerReporter({
      milestone: "a", dispatchId: "d1", ceilingUsd: 1,
      readLedger: () => fetcher.read(),
      publishProgress: async (id, s) => void published.push([id, s.state, s.currentTask]),
      ledgerEveryMs: 1000, progressEveryMs: 9000, log: () => undefined, nowMs: () => clock,
    });
    // The first report waits for the first read: the budget is known before the first task.
    expect(await reporter.report(status({ currentTask: undefined }))).toBeUndefined();
    expect(reporter.runBudgetLeftUsd(0)).toBe(0.25);
    expect(published).toEqual([[9, "running", undefined]]);

    // Within the heartbeat interval: no read, no write.
    origin.write(ledger({ a: rec({ dispatchId: "d1", checkRunId: 9, signal: "pause" }), b: rec({ costUsd: 0.75 }) }));
    clock = 500;
    expect(await reporter.report(status())).toBeUndefined();
    // A final report waits for what is in flight and sends nothing: the test's way to let the background work end.
    const idle = async () => void (await reporter.report(status({ state: "paused" })));
    await idle();
    expect(published).toHaveLength(1);

    // A heartbeat later: the pause is read; the task changed, so the check run gets it (not waiting for 9 s).
    clock = 1500;
    await reporter.report(status());
    await idle();
    expect(await reporter.report(status())).toBe("pause");
    expect(published).toEqual([[9, "running", undefined], [9, "running", 2]]);

    // Cost alone waits for the rate budget; then a stop outranks the pause, and the budget follows the ledger.
    origin.write(ledger({ a: rec({ dispatchId: "d1", checkRunId: 9, signal: "stop" }), b: rec({ costUsd: 0.9 }) }, { budgetStopped: false }));
    clock = 3000;
    await reporter.report(status({ costUsd: 0.05 }));
    await idle();
    expect(published).toHaveLength(2);
    expect(await reporter.report(status())).toBe("stop");
    expect(reporter.runBudgetLeftUsd(0.05)).toBeCloseTo(0.05, 10);
    clock = 11_000;
    await reporter.report(status({ costUsd: 0.06 }));
    await idle();
    expect(published).toHaveLength(3);

    // The ledger gone unreadable: the worker keeps what it knew.
    rmSync(origin.url, { recursive: true, force: true });
    clock = 20_000;
    await reporter.report(status());
    await idle();
    expect(reporter.runBudgetLeftUsd(0.05)).toBeCloseTo(0.05, 10);
    expect(fetcher.lastError).toBeDefined();
  });

  it("gives each `/weave tell` note once, in the ledger's order, and acknowledges the taken ones on the check run", async () => {
    const origin = gitLedger();
    const note = (id: string, text: string) => ({ id, text, by: "alice", at: "2026-01-01T00:00:00Z" });
    origin.write(ledger({ a: rec({ dispatchId: "d1", checkRunId: 9, notes: [note("n1", "use  the v2\nclient")] }) }));
    let clock = 0;
    const acks: string[][] = [];
    const fetcher = createLedgerFetch({ gitDir: join(dir!, "reader.git"), url: origin.url, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    const reporter = createLedgerReporter({
      milestone: "a", dispatchId: "d1", readLedger: () => fetcher.read(), publishProgress: async (_id, _s, seen) => void acks.push([...seen]),
      ledgerEveryMs: 1000, progressEveryMs: 9000, log: () => undefined, nowMs: () => clock,
    });
    const idle = async () => void (await reporter.report(status({ state: "paused" })));
    await reporter.report(status({ currentTask: undefined }));
    expect(acks).toEqual([[]]);
    expect(reporter.takeNotes()).toBe("use the v2 client");
    expect(reporter.takeNotes()).toBeUndefined();
    // The ledger still holds n1 (no coordinator pass yet) and now n2: only n2 is new; both are acknowledged.
    origin.write(ledger({ a: rec({ dispatchId: "d1", checkRunId: 9, notes: [note("n1", "use the v2 client"), note("n2", "and log it")] }) }));
    clock = 1500;
    await reporter.report(status());
    await idle();
    expect(acks.at(-1)).toEqual(["n1"]);
    expect(reporter.takeNotes()).toBe("and log it");
    clock = 3000;
    await reporter.report(status());
    await idle();
    expect(acks.at(-1)).toEqual(["n1", "n2"]);
    expect(reporter.notesSeen()).toEqual(["n1", "n2"]);
    expect(reporter.takeNotes()).toBeUndefined();
  });

  it("a record of another dispatch gives no signal and no check run, but the run's budget still counts", async () => {
    const origin = gitLedger();
    origin.write(ledger({ a: rec({ dispatchId: "d0", checkRunId: 9, signal: "stop" }), b: rec({ costUsd: 0.5 }) }));
    const published: number[] = [];
    const fetcher = createLedgerFetch({ gitDir: join(dir!, "reader.git"), url: origin.url, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    const logs: string[] = [];
    const reporter = createLedgerReporter({
      milestone: "a", dispatchId: "d1", ceilingUsd: 1, readLedger: () => fetcher.read(), publishProgress: async (id) => void published.push(id),
      ledgerEveryMs: 1000, progressEveryMs: 1000, log: (m) => logs.push(m),
    });
    expect(await reporter.report(status())).toBeUndefined();
    expect(published).toEqual([]);
    expect(reporter.runBudgetLeftUsd(0.1)).toBeCloseTo(0.4, 10);
    expect(logs.join("\n")).toMatch(/not of this job's dispatch/);
  });
});
