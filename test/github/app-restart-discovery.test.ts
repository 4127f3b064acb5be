// A restarted App finds its runs without waiting for a webhook: on load (a tick at once) it lists its installations'
// repositories, reconciles those that hold a weave run (`refs/weave/state`), and leaves the others alone.
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const R = { owner: "acme", repo: "widgets" };
// The job's post step tries to reach the App for heartbeat_timeout (action/post-report.ts): the restart waits that out.
const ONE = `version: 1\nretries: 1\nheartbeat_timeout: 15s\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [one, two] }\n`;
const calls = (w: AppWorld, operationId: string): number => w.gh.calls.filter((c) => c.operationId === operationId).length;

describe("App restart", () => {
  it("a run whose job ended while the App was down is picked up by the restarted App's tick, with no webhook", { timeout: 240_000 }, async () => {
    world = await createAppWorld({ plan: ONE, agent: { sleepMs: 800 } });
    const w = world;
    await w.comment("/weave start");
    const runId = await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the ledger to record the run");
    await w.restart(async () => {
      // GitHub carries on: the job finishes; its final report and the workflow_run webhook find no App.
      await waitFor(async () => (await w.alice.actions.getWorkflowRun({ ...R, run_id: runId })).data.status === "completed", "the run to complete while the App is down");
    });
    // No event of any kind reaches the restarted App: no push, no comment, no heartbeat.
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to be finished by the restarted App", 60_000);
    expect(w.server.weave.sessions.has("acme/widgets")).toBe(true);
    expect(calls(w, "apps/list-installations")).toBeGreaterThanOrEqual(2);
    expect(calls(w, "apps/list-repos-accessible-to-installation")).toBeGreaterThanOrEqual(2);
    expect(calls(w, "actions/create-workflow-dispatch")).toBe(1);
    expect(w.errors).toEqual([]);
  });

  it("repositories without a weave run get no session, and ticks do not look again at once", { timeout: 60_000 }, async () => {
    world = await createAppWorld({ plan: ONE });
    const w = world;
    await w.server.weave.idle();
    expect(calls(w, "apps/list-installations")).toBe(1);
    expect(calls(w, "apps/list-repos-accessible-to-installation")).toBe(1);
    expect(w.server.weave.sessions.size).toBe(0);
    await w.server.weave.tick();
    // One look found nothing: the next ticks wait (handlers/tick.ts DISCOVERY_INTERVAL_MS) before asking again.
    expect(calls(w, "apps/list-installations")).toBe(1);
    expect(w.server.weave.sessions.size).toBe(0);
    expect(w.errors).toEqual([]);
  });
});
