// Nothing lost or doubled: a job that finishes while the App is down is finished from what GitHub and the branch
// hold (not dispatched again), and a job whose main step dies is requeued and resumes from its checkpoint.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const R = { owner: "acme", repo: "widgets" };
const ONE = (tasks: string, timeout = "60s") => `version: 1\nretries: 1\nheartbeat_timeout: ${timeout}\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [${tasks}] }\n`;
const dispatches = (w: AppWorld): number => w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch").length;

async function trailers(w: AppWorld, branch: string): Promise<string[]> {
  return (await w.repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", branch, "^main"])).split("\n").filter(Boolean).reverse();
}

/**
 * The fixture agent, which on the task agent.json names in `die` (once per world: a marker file) kills its job's main
 * step — the Action's node process, as the kernel's OOM killer would — so only the post step is left to report.
 */
const DYING_AGENT = AGENT.replace('writeFileSync(id + "-" + n + ".txt"', `if ((cfg.die ?? {})[id + ":" + n] && !existsSync(cfg.marker)) {
  writeFileSync(cfg.marker, "");
  let pid = process.ppid;
  for (let i = 0; i < 8 && pid > 1; i++) {
    if (/action[\\\\/]dist[\\\\/]index\\.js/.test(readFileSync("/proc/" + pid + "/cmdline", "utf8"))) { process.kill(pid, "SIGKILL"); break; }
    pid = Number(readFileSync("/proc/" + pid + "/stat", "utf8").split(") ")[1].split(" ")[1]);
  }
  process.exit(1);
}
writeFileSync(id + "-" + n + ".txt"`).replace('import { appendFileSync, mkdirSync', 'import { existsSync, appendFileSync, mkdirSync');

describe("App recovery", () => {
  it("a job that finishes while the App is down is finished from its run and branch, not dispatched again", { timeout: 240_000 }, async () => {
    // The job's post step tries to reach the App for heartbeat_timeout (action/post-report.ts): the restart waits that out.
    world = await createAppWorld({ plan: ONE("one, two, three", "15s"), agent: { sleepMs: 1200 } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w, "weave/M1")).includes("1/3"), "M1's first checkpoint");
    const runId = await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the ledger to record the run");
    await w.restart(async () => {
      // GitHub carries on: the job finishes, its final report and the workflow_run webhook find no App.
      await waitFor(async () => (await w.alice.actions.getWorkflowRun({ ...R, run_id: runId })).data.status === "completed", "the run to complete while the App is down");
    });
    // Any event wakes the restarted App (here a person's push to main).
    await w.repo.commit({ branch: "main", files: { "NOTES.md": "later\n" }, message: "notes" });
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to be finished from what GitHub holds", 30_000);
    const record = (await w.ledger()).milestones.M1!;
    expect(record.attempts).toBe(1);
    expect(record.tasksDone).toBe(3);
    expect(dispatches(w)).toBe(1);
    expect(w.errors).toEqual([]);
  });

  it("a 204 dispatch (GHES: no run details) with runs listed late: the run is learnt from its first verified heartbeat, never dispatched twice", { timeout: 240_000 }, async () => {
    world = await createAppWorld({ plan: ONE("one, two"), agent: { sleepMs: 300 }, quirks: { dispatchRunDetails: false, runListLagMs: 5_000 } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish on its one attempt", 60_000);
    const record = (await w.ledger()).milestones.M1!;
    expect(record.attempts).toBe(1);
    expect(record.runId).toBe([...w.gh.runner.runs.values()].find((r) => r.displayTitle?.includes(record.dispatchId!))?.id);
    expect(dispatches(w)).toBe(1);
    expect(w.errors).toEqual([]);
  });

  it("a job whose main step dies is requeued and resumes after its last checkpoint", { timeout: 240_000 }, async () => {
    const marker = `/tmp/weave-die-${process.pid}-${Date.now()}`;
    world = await createAppWorld({ plan: ONE("one, two, three"), agent: { sleepMs: 200, die: { "M1:2": true }, marker }, files: { "agent.mjs": DYING_AGENT } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish on a second attempt", 60_000);
    const record = (await w.ledger()).milestones.M1!;
    expect(record.attempts).toBe(2);
    expect(await trailers(w, "weave/M1")).toEqual(["1/3", "2/3", "3/3"]);
    expect(dispatches(w)).toBe(2);
  });
});
