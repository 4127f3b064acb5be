// Steering a run on GitHub: pause/resume and stop through comments, the Retry button, and /weave doctor.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PLAN = "version: 1\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [one, two, three, four] }\n";

async function trailers(w: AppWorld): Promise<string[]> {
  return (await w.repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", "weave/M1", "^main"])).split("\n").filter(Boolean).reverse();
}
const bodies = async (w: AppWorld): Promise<string[]> => (await w.alice.issues.listComments({ owner: "acme", repo: "widgets", issue_number: w.issue })).data.map((c) => c.body ?? "");

describe("App control", () => {
  it("pause lets the task in flight finish; resume dispatches again from the checkpoint", { timeout: 240_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, agent: { sleepMs: 4000 } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w)).length >= 1, "the first checkpoint");
    await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the run in the ledger");
    await w.comment("/weave pause M1");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "paused", "M1 to pause");
    const paused = await trailers(w);
    expect(paused.length).toBeLessThan(4);
    expect(paused.every((t) => !t.includes("partial"))).toBe(true);
    await w.comment("/weave resume M1");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish after resume");
    expect(await trailers(w)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    expect((await w.ledger()).milestones.M1!.attempts).toBe(2);
    expect((await bodies(w)).some((b) => b.includes("**M1**: pausing after the task in flight"))).toBe(true);
    expect(w.errors).toEqual([]);
  });

  it("stop ends the job; the check run's Retry button starts it again; doctor finds nothing wrong", { timeout: 240_000 }, async () => {
    // Task 2 waits for a gate the test opens only after the stop: the stop (a comment, then a throttled ledger write)
    // arrives while it is in flight however busy the machine is.
    const gate = join(await mkdtemp(join(tmpdir(), "weave-gate-")), "open");
    world = await createAppWorld({ plan: PLAN, agent: { sleepMs: 200, gate: { "M1:2": gate } } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w)).length >= 1, "the first checkpoint");
    await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the run in the ledger");
    await w.comment("/weave stop M1");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "stopped", "M1 to stop");
    await writeFile(gate, "");
    await w.gh.settled();
    const record = (await w.ledger()).milestones.M1!;
    const check = (await w.alice.checks.get({ owner: "acme", repo: "widgets", check_run_id: record.checkRunId! })).data;
    await waitFor(async () => (await w.alice.checks.get({ owner: "acme", repo: "widgets", check_run_id: record.checkRunId! })).data.status === "completed", "the check run to complete");
    expect(check.name).toBe("weave / M1");
    w.gh.checks.requestAction("acme/widgets", record.checkRunId!, "retry", "alice");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish after Retry");
    expect((await trailers(w)).filter((t) => !t.includes("partial"))).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    await w.comment("/weave doctor");
    const doctor = await waitFor(async () => (await bodies(w)).find((b) => b.startsWith("**weave doctor:**")), "the doctor's answer");
    expect(doctor).toContain("healthy");
    expect(w.errors).toEqual([]);
  });
});
