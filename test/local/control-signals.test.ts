/**
 * `weave stop|pause` beside a live coordinator signals at once exactly the workers core/control.ts says the command
 * signals — `stale` ones included (silent, but their claim stands), never a paused or finished one. Real files, the
 * real CLI; the coordinator's lock names this test's own process, so the CLI takes the "hand it over" path.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAMOND, repoForTest } from "./local-fixtures.js";

const record = (state: string) => ({ state, attempts: 1, requeues: 0, costUsd: 0, tasksDone: 0, tasks: 2, pid: 999_997, startedAt: new Date().toISOString(), slot: 1 });

describe("weave stop|pause beside a live coordinator", () => {
  it.for(["stop", "pause"] as const)("%s signals the claimed, running and stale workers, and no other", async (verb, test) => {
    const repo = await repoForTest(test, DIAMOND);
    await mkdir(join(repo.dir, ".weave/run"), { recursive: true });
    const now = new Date().toISOString();
    const milestones = { data: record("stale"), api: record("running"), ui: record("claimed"), integration: record("paused") };
    await writeFile(join(repo.dir, ".weave/state.json"), JSON.stringify({ version: 1, runId: "r-1", planFile: join(repo.dir, ".github/weave.yml"), target: "main", startedAt: now, updatedAt: now, budgetStopped: false, milestones, events: [] }));
    await writeFile(join(repo.dir, ".weave/coordinator.lock"), JSON.stringify({ pid: process.pid, startedAt: now }));

    const out = await repo.weave([verb]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`${verb} sent to the running coordinator`);
    const signal = join(repo.dir, ".weave/run");
    for (const id of ["data", "api", "ui"]) expect(JSON.parse(await readFile(join(signal, `${id}.signal.json`), "utf8")), id).toMatchObject({ signal: verb });
    expect(existsSync(join(signal, "integration.signal.json"))).toBe(false);
  });
});
