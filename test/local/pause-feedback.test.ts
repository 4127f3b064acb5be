/**
 * Pause gives feedback and is never dropped: `weave status` shows `pausing` until the worker stops; a pause sent
 * during the last task holds the milestone `paused` (its finished work kept on weave/<ID>, not merged), and
 * `weave resume` + `weave start` merge it.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpoints, collect, planYaml, repoForTest, waitFor } from "./local-fixtures.js";

describe("pause during the last task", () => {
  it("shows pausing, keeps the work, holds the milestone paused; resume merges it", async (t) => {
    const repo = await repoForTest(t, planYaml(`  - { id: last, tasks: [one], files: ["out/last-*"] }\n`));
    const log = join(repo.dir, ".weave/agent.log");
    // The task ends when the test opens its gate, after it has seen `pausing`: however slow the machine, the pause
    // lands during the last task.
    const gate = `${repo.dir}.gate`;
    const env = { AGENT_GATE: gate, AGENT_LOG: log };
    const run = collect(repo.spawnWeave(["start"], env));
    await waitFor(async () => ((await readFile(log, "utf8")).includes("last:1") ? true : undefined), 30_000, "the last task to start");

    const pause = await repo.weave(["pause", "last"]);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain("`pausing` in `weave status`");
    const status = await repo.weave(["status", "--json"]);
    const row = (JSON.parse(status.stdout) as { milestones: { id: string; state: string }[] }).milestones.find((m) => m.id === "last");
    expect(row?.state).toBe("pausing");
    await writeFile(gate, "");

    const first = await run.done;
    expect(first.code, first.stdout).toBe(3);
    let state = await repo.state();
    expect(state.milestones.last!.state).toBe("paused");
    expect(state.milestones.last!.tasksDone).toBe(1);
    expect(checkpoints(repo, "weave/last")).toEqual(["last 1/1"]);
    expect(checkpoints(repo, "main")).toEqual([]);
    expect(first.stdout).toMatch(/last\s+paused — `weave resume last` then `weave start`/);

    expect((await repo.weave(["resume", "last"])).code).toBe(0);
    const second = await repo.weave(["start"], env);
    expect(second.code, second.stdout).toBe(0);
    state = await repo.state();
    expect(state.milestones.last!.state).toBe("merged");
    // The agent ran once: resuming verified and merged what was kept.
    expect((await readFile(log, "utf8")).trim().split("\n")).toEqual(["last:1"]);
  });
});
