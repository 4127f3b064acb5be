/**
 * Warm workers (issue 16, speed): a run's milestones are served by a few long-lived worker processes, at most one per
 * worker slot, instead of one Node process per milestone; none outlives the run; `weave stop` still stops a milestone
 * at once and its worker goes.
 */
import { describe, it } from "vitest";
import { collect, planYaml, processExists, repoForTest, trailerValues, waitFor } from "./local-fixtures.js";

const SIX = planYaml(Array.from({ length: 6 }, (_, i) => `  - { id: m${i}, tasks: [one], files: ["out/m${i}-*"] }\n`).join(""));

describe.concurrent("warm worker processes", () => {
  it("serve several milestones each: six milestones at two workers take at most two worker processes, and none is left", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, SIX);
    const run = await repo.weave(["start"], { AGENT_SLEEP_MS: "50" });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/6\/6 merged into main/);
    const state = await repo.state();
    const pids = new Set(Object.values(state.milestones).map((r) => r.pid));
    expect(pids.size).toBeGreaterThan(0);
    expect(pids.size).toBeLessThanOrEqual(2);
    for (const pid of pids) expect(pid).not.toBe(undefined);
    // The run is over: its workers let go when the coordinator did.
    await waitFor(async () => ([...pids].every((pid) => !processExists(pid!)) ? true : undefined), 10_000, "the warm workers to exit");
    expect(trailerValues(repo, "main", "Weave-Merged").sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
  });

  it("a stopped milestone ends at once, its worker exits, and a resumed run starts it on a fresh worker", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, planYaml(`  - { id: long, tasks: [one, two], files: ["out/**"] }\n`));
    const first = collect(repo.spawnWeave(["start"], { AGENT_SLEEP_MS: "20000" }));
    const running = await waitFor(async () => {
      const s = await repo.state();
      return s.milestones.long!.state === "running" ? s : undefined;
    }, 30_000, "long to run");
    const pid = running.milestones.long!.pid!;
    const stop = await repo.weave(["stop", "long"]);
    expect(stop.code, stop.stderr).toBe(0);
    const done = await first.done;
    expect(done.stdout).toMatch(/long stopped/);
    const stopped = await repo.state();
    expect(stopped.milestones.long!.state).toBe("stopped");
    await waitFor(async () => (processExists(pid) ? undefined : true), 10_000, "the stopped worker to exit");

    expect((await repo.weave(["resume", "long"])).code).toBe(0);
    const second = await repo.weave(["start"], { AGENT_SLEEP_MS: "50" });
    expect(second.code, second.stdout).toBe(0);
    const after = await repo.state();
    expect(after.milestones.long!.state).toBe("merged");
    expect(after.milestones.long!.pid).not.toBe(pid);
  });
});
