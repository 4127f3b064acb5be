// A worker job's end as the weave App sees it, with the real App, the real bundled Action and the stand-in: a main
// step killed mid-task (as the OOM killer does) is requeued within `retries` and resumes from its checkpoint; a job
// that finishes while the App is down is not dispatched again, because its post step resends the final report; and
// an App that begins to close takes no more reports.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "../github/app-fixtures.js";
import type { AppWorld } from "../github/app-fixtures.js";
import { serialise } from "../../src/github/repo-session.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ONE = (tasks: string) => `version: 1\nretries: 1\nheartbeat_timeout: 60s\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [${tasks}] }\n`;

async function trailers(w: AppWorld): Promise<string[]> {
  return (await w.repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", "weave/M1", "^main"])).split("\n").filter(Boolean).reverse();
}

describe("a worker job's end, as the App sees it", () => {
  it("requeues a job whose main step was killed mid-task, and the new job resumes after the last checkpoint", { timeout: 180_000 }, async () => {
    world = await createAppWorld({ plan: ONE("one, two, three"), agent: { sleepMs: 200, sleep: { "M1:2": 8000 } } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w)).includes("1/3"), "the first checkpoint");
    const first = await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the ledger to record the run");
    await w.repo.commit({ branch: "main", files: { "agent.json": JSON.stringify({ sleepMs: 200 }) }, message: "agent: no more slow task" });
    const job = w.gh.actions.run(first).jobs[0]!;
    await waitFor(async () => existsSync(join(job.workspace, "M1-2.txt")), "task 2 to start");
    job.process!.kill("SIGKILL");
    const settled = await waitFor(async () => {
      const r = (await w.ledger()).milestones.M1;
      return r && ["finished", "stopped", "failed", "merged"].includes(r.state) ? r : undefined;
    }, "M1 to settle");
    expect(settled.state).toBe("finished");
    expect(settled.attempts).toBe(2);
    expect(settled.runId).not.toBe(first);
    expect(await trailers(w)).toEqual(["1/3", "2/3", "3/3"]);
    expect(w.errors).toEqual([]);
  });

  // Under load this used to fail: the App's close() went on answering requests while its queued work drained, so the
  // main step's final report was acknowledged by the closing App and the post step had nothing to resend.
  it("does not dispatch again a job that finished while the App was down: the post step's resend lands after the restart", { timeout: 180_000 }, async () => {
    world = await createAppWorld({ plan: ONE("one, two"), agent: { sleepMs: 200, sleep: { "M1:2": 1500 } } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w)).includes("1/2"), "the first checkpoint");
    const runId = await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the ledger to record the run");
    await w.server.close();
    const run = w.gh.actions.run(runId);
    await waitFor(async () => run.jobs[0]!.steps.some((s) => s.name.startsWith("Run ./action")), "the main step to end while the App is down");
    await w.restart();
    const record = await waitFor(async () => {
      const r = (await w.ledger()).milestones.M1;
      return r && ["finished", "merging", "merged"].includes(r.state) ? r : undefined;
    }, "M1 to finish after the restart", 60_000);
    expect(record.attempts).toBe(1);
    expect(record.tasksDone).toBe(2);
    expect(w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch")).toHaveLength(1);
    expect(run.jobs[0]!.log).toContain("final report for M1 sent (finished)");
  });

  it("the App takes no report once it begins to close, while its queued work still drains", { timeout: 60_000 }, async () => {
    world = await createAppWorld({ plan: ONE("one") });
    const w = world;
    await w.comment("/weave start");
    const session = await waitFor(async () => w.server.weave.sessions.get("acme/widgets"), "the repository's session");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Work still queued when close() begins (a reconcile under load, say): close waits for it.
    void serialise(session, () => gate);
    const closing = w.server.close();
    const answer = await fetch(`${w.server.url}/healthz`).then((r) => r.status, (e: unknown) => (e as Error).message);
    release();
    await closing;
    expect(answer).not.toBe(200);
  });
});
