/**
 * Fault: a worker process is SIGKILLed in the middle of a task. The coordinator must notice (stale), requeue it, and
 * the new worker must resume after the last checkpoint: finished tasks are not run again, and the milestone merges.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkpoints, collect, createTestRepo, eventAt, planYaml, processesIn, trailerValues, waitFor } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

const PLAN = planYaml(`  - { id: long, tasks: [one, two, three], files: ["out/**"] }
`);

interface StatusFile {
  pid: number;
  tasksDone: number;
  currentTask?: number;
}

/** Starts the run and SIGKILLs the worker once task 1 is checkpointed and task 2 is in flight. */
async function killWorkerDuringTask2(r: TestRepo) {
  const log = join(r.dir, ".weave/agent.log");
  const run = collect(r.spawnWeave(["start"], { AGENT_SLEEP_MS: "1500", AGENT_FILES: JSON.stringify({ long: "out/long.txt" }), AGENT_LOG: log }));
  const statusPath = join(r.dir, ".weave/run/long.status.json");
  const status = await waitFor(async () => {
    const s = JSON.parse(await readFile(statusPath, "utf8")) as StatusFile;
    const agentRunning = (await readFile(log, "utf8")).includes("long:2");
    return s.tasksDone === 1 && s.currentTask === 2 && agentRunning ? s : undefined;
  }, 30_000, "task 2 of long to be in flight");
  const before = await r.state();
  expect(before.milestones.long!.pid).toBe(status.pid);
  const agents = processesIn(join(r.dir, ".weave/worktrees/long"), "agent.mjs");
  process.kill(status.pid, "SIGKILL");
  return { run, log, killedPid: status.pid, agents };
}

describe("a worker SIGKILLed mid-task", () => {
  it("is marked stale, requeued, resumes after its last checkpoint (task 1 not re-run), and merges", async () => {
    repo = await createTestRepo(PLAN);
    const { run, log, killedPid, agents } = await killWorkerDuringTask2(repo);

    // Once the coordinator has noticed and requeued, the killed worker's agent (still sleeping in task 2) must be
    // gone: otherwise two agents edit the same worktree.
    expect(agents.length).toBeGreaterThan(0);
    await waitFor(async () => ((await repo!.state()).events.some((e) => e.kind === "stale" && e.id === "long") ? true : undefined), 20_000, "long to be marked stale");
    const orphans = agents.filter((pid) => processesIn(join(repo!.dir, ".weave/worktrees/long"), "agent.mjs").includes(pid));
    expect.soft(orphans, "agent processes of the killed worker still running after the coordinator requeued it").toEqual([]);

    const result = await run.done;
    expect(result.stderr).toBe("");
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/long requeued \(\d\/\d\) after: its worker ended without a final report/);
    expect(result.stdout).toMatch(/long started on worker \d \(attempt 2, resuming after task 1\)/);

    const state = await repo.state();
    const long = state.milestones.long!;
    expect(long.state).toBe("merged");
    expect(long.attempts).toBe(2);
    expect(long.requeues).toBe(1);
    expect(long.pid).not.toBe(killedPid);
    expect(eventAt(state, "stale", "long")).toBeLessThanOrEqual(eventAt(state, "merged", "long"));

    // The agent ran task 1 once; task 2 again (it was in flight); task 3 once.
    const calls = (await readFile(log, "utf8")).split("\n").filter(Boolean);
    expect(calls.filter((c) => c === "long:1")).toHaveLength(1);
    expect(calls.filter((c) => c === "long:2")).toHaveLength(2);
    expect(calls.filter((c) => c === "long:3")).toHaveLength(1);

    // On main: one checkpoint per task, none duplicated, and task 1's output written once.
    expect(checkpoints(repo, "main")).toEqual(["long 3/3", "long 2/3", "long 1/3"]);
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["long"]);
    const out = repo.git("show", "main:out/long.txt").split("\n");
    expect(out.filter((l) => l.startsWith("long task 1:"))).toHaveLength(1);
    expect(out.filter((l) => l.startsWith("long task 3:"))).toHaveLength(1);
    expect(out.filter((l) => l.startsWith("long task 2:")).length).toBeGreaterThanOrEqual(1);
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});
