/**
 * Operating a run: `weave status --json` during and after a run (states, task n/m, cost, coordinator), and
 * `weave pause <ID>` during a long task — the task finishes and is checkpointed, the milestone ends `paused`; then
 * `weave resume <ID>` and `weave start` finish it from its checkpoint.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkpoints, collect, createTestRepo, planYaml, trailerValues, waitFor } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

interface StatusJson {
  run: string | null;
  coordinator: number | null;
  milestones: { id: string; state: string; tasksDone: number; tasks: number; costUsd: number; heartbeatAge?: number }[];
  totals: { costUsd: number; merged: number; total: number };
}

async function status(r: TestRepo): Promise<StatusJson> {
  const out = await r.weave(["status", "--json"]);
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as StatusJson;
}

const row = (s: StatusJson, id: string) => s.milestones.find((m) => m.id === id)!;

describe("status, pause and resume", () => {
  it("status shows a live run; pause lets the task in flight finish and checkpoint; resume + start finish it", async () => {
    repo = await createTestRepo(planYaml(`  - { id: slow, tasks: [one, two, three], files: ["out/slow-*"] }
  - { id: quick, tasks: [one], files: ["out/quick-*"] }
`));
    const log = join(repo.dir, ".weave/agent.log");
    // slow's task 2 ends when the test opens its gate, not on a clock: the status below is read while the coordinator
    // surely runs. (With a 2 s task instead, a status slow to start under load read the run after the pause had
    // already ended it: `coordinator: null`, slow paused at 2/3.)
    const gate = join(repo.dir, ".weave/slow-2.gate");
    const env = { AGENT_SLEEP_BY: JSON.stringify({ quick: 100 }), AGENT_GATE_BY: JSON.stringify({ "slow:2": gate }), AGENT_COST: "0.01", AGENT_LOG: log };
    const coordinator = repo.spawnWeave(["start"], env);
    const run = collect(coordinator);
    const r = repo;
    await waitFor(async () => (await readFile(log, "utf8")).includes("slow:2") && (await r.state()).milestones.quick?.state === "merged", 30_000, "slow's task 2 to start, quick merged");

    const [during, pause] = await Promise.all([status(repo), repo.weave(["pause", "slow"])]);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain(`pause sent to the running coordinator (PID ${coordinator.pid}) for slow`);
    expect(during.coordinator).toBe(coordinator.pid);
    expect(during.run).toBe((await repo.state()).runId);
    // Read side by side with the pause: it may already show the pause (`pausing`, test/local/pause-feedback.test.ts).
    expect(row(during, "slow")).toMatchObject({ tasksDone: 1, tasks: 3 });
    expect(["running", "pausing"]).toContain(row(during, "slow").state);
    expect(row(during, "slow").costUsd).toBeCloseTo(0.01);
    expect(row(during, "slow").heartbeatAge).toBeLessThanOrEqual(5);
    expect(row(during, "quick")).toMatchObject({ state: "merged", tasksDone: 1, tasks: 1 });
    expect(during.totals.costUsd).toBeCloseTo(0.02);
    await writeFile(gate, "");

    const first = await run.done;
    expect(first.stderr).toBe("");
    expect(first.code, first.stdout).toBe(3);
    expect(first.stdout).toMatch(/\n\s+slow\s+paused — `weave resume slow` then `weave start`/);

    // The task in flight (2) finished and was checkpointed in full; task 3 never started.
    let state = await repo.state();
    expect(state.milestones.slow!.state).toBe("paused");
    expect(state.milestones.slow!.tasksDone).toBe(2);
    expect(checkpoints(repo, "weave/slow")).toEqual(["slow 2/3", "slow 1/3"]);
    expect((await readFile(log, "utf8")).split("\n").filter((l) => l.startsWith("slow:"))).toEqual(["slow:1", "slow:2"]);

    const paused = await status(repo);
    expect(paused.coordinator).toBeNull();
    expect(row(paused, "slow")).toMatchObject({ state: "paused", tasksDone: 2, tasks: 3 });
    expect(row(paused, "slow").costUsd).toBeCloseTo(0.02);

    const resume = await repo.weave(["resume", "slow"]);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toContain("slow: will resume from its last checkpoint");
    const second = await repo.weave(["start"], env);
    expect(second.stderr).toBe("");
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/slow started on worker \d \(attempt 2, resuming after task 2\)/);

    state = await repo.state();
    expect(state.milestones.slow!.state).toBe("merged");
    expect((await readFile(log, "utf8")).split("\n").filter((l) => l.startsWith("slow:"))).toEqual(["slow:1", "slow:2", "slow:3"]);
    expect(checkpoints(repo, "main").filter((c) => c.startsWith("slow"))).toEqual(["slow 3/3", "slow 2/3", "slow 1/3"]);
    expect(trailerValues(repo, "main", "Weave-Merged").sort()).toEqual(["quick", "slow"]);

    const after = await status(repo);
    expect(after.coordinator).toBeNull();
    expect(row(after, "slow")).toMatchObject({ state: "merged", tasksDone: 3, tasks: 3 });
    expect(row(after, "slow").costUsd).toBeCloseTo(0.03);
    expect(after.totals).toMatchObject({ merged: 2, total: 2 });
    expect(after.totals.costUsd).toBeCloseTo(0.04);
  });
});
