/**
 * Fault: the coordinator is SIGKILLed mid-run. Its workers keep going; a second `weave start` picks the run up:
 * merged milestones stay merged, live workers are adopted (not restarted), the rest runs, same run ID.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "vitest";
import { checkpoints, collect, repoForTest, planYaml, processExists, trailerValues, waitFor } from "./local-fixtures.js";

const PLAN = planYaml(`  - { id: quick, tasks: [one], files: ["out/quick-*"] }
  - { id: slow, tasks: [one, two], files: ["out/slow-*"] }
  - { id: last, depends_on: [slow], tasks: [one], files: ["out/last-*"] }
`);

describe.concurrent("a coordinator SIGKILLed mid-run", () => {
  it("is resumed by the next `weave start`: merged stays merged, the live worker is adopted, everything merges", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, PLAN);
    const env = { AGENT_SLEEP_BY: JSON.stringify({ quick: 100, slow: 1500, last: 100 }), AGENT_LOG: join(repo.dir, ".weave/agent.log") };
    const first = repo.spawnWeave(["start"], env);
    const firstRun = collect(first);
    const before = await waitFor(async () => {
      const s = await repo.state();
      // Wait for quick's cleanup too (its branch deleted), so the kill does not land between its merge and cleanup.
      const settled = s.milestones.quick!.state === "merged" && repo.git("branch", "--list", "weave/quick") === "";
      return settled && s.milestones.slow!.state === "running" && s.milestones.slow!.tasksDone === 0 ? s : undefined;
    }, 30_000, "quick merged while slow runs");
    const slowPid = before.milestones.slow!.pid!;
    first.kill("SIGKILL");
    const killed = await firstRun.done;
    expect(killed.signal).toBe("SIGKILL");
    expect(processExists(slowPid)).toBe(true); // the worker outlives its coordinator

    const second = await repo.weave(["start"], env);
    expect(second.stderr).toBe("");
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/3\/3 merged into main/);

    const after = await repo.state();
    expect(after.runId).toBe(before.runId);
    expect(second.stdout).toContain(`(run ${before.runId})`);
    expect(after.events.some((e) => e.kind === "resumed")).toBe(true);
    for (const id of ["quick", "slow", "last"]) expect(after.milestones[id]!.state, id).toBe("merged");
    // Adopted, not restarted: one attempt, the same worker process, no requeue.
    expect(after.milestones.slow!.attempts).toBe(1);
    expect(after.milestones.slow!.requeues).toBe(0);
    expect(after.milestones.slow!.pid).toBe(slowPid);
    expect(after.events.filter((e) => e.kind === "claimed" && e.id === "slow")).toHaveLength(1);
    expect(after.milestones.quick!.attempts).toBe(1);

    // Git: each milestone merged exactly once; each task ran and was checkpointed exactly once.
    expect(trailerValues(repo, "main", "Weave-Merged").sort()).toEqual(["last", "quick", "slow"]);
    expect(checkpoints(repo, "main").sort()).toEqual(["last 1/1", "quick 1/1", "slow 1/2", "slow 2/2"]);
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("requeues a worker that died while no coordinator was running, and it resumes after its checkpoint", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, planYaml(`  - { id: slow, tasks: [one, two], files: ["out/slow-*"] }
  - { id: last, depends_on: [slow], tasks: [one], files: ["out/last-*"] }
`));
    const env = { AGENT_SLEEP_BY: JSON.stringify({ slow: 1200, last: 100 }), AGENT_LOG: join(repo.dir, ".weave/agent.log") };
    const first = repo.spawnWeave(["start"], env);
    const firstRun = collect(first);
    // Kill the coordinator once slow's first task is checkpointed, then its worker.
    const before = await waitFor(async () => {
      const s = await repo.state();
      return s.milestones.slow!.state === "running" && s.milestones.slow!.tasksDone === 1 ? s : undefined;
    }, 30_000, "slow to finish task 1");
    first.kill("SIGKILL");
    await firstRun.done;
    const slowPid = before.milestones.slow!.pid!;
    process.kill(slowPid, "SIGKILL");
    await waitFor(async () => (processExists(slowPid) ? undefined : true), 10_000, "the killed worker to be reaped");

    const second = await repo.weave(["start"], env);
    expect(second.code, second.stdout).toBe(0);
    const after = await repo.state();
    expect(after.runId).toBe(before.runId);
    expect(after.milestones.slow!.state).toBe("merged");
    expect(after.milestones.slow!.attempts).toBe(2);
    expect(after.milestones.slow!.requeues).toBe(1);
    expect(second.stdout).toMatch(/slow started on worker \d \(attempt 2, resuming after task 1\)/);
    const calls = (await readFile(env.AGENT_LOG, "utf8")).split("\n").filter(Boolean);
    expect(calls.filter((c) => c === "slow:1")).toHaveLength(1);
    expect(checkpoints(repo, "main").sort()).toEqual(["last 1/1", "slow 1/2", "slow 2/2"]);
    expect(trailerValues(repo, "main", "Weave-Merged").sort()).toEqual(["last", "slow"]);
  });
});
