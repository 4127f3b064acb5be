/**
 * Observing a worker that ends between two looks: a worker writes its final status, then exits. The coordinator
 * must look at liveness before it reads the status file; the other order reads "running", then sees the process
 * gone and marks a finished milestone stale (what the faster coordinator hit: "worker process ended without a final
 * report"). Real repository, real state and status files; the exit is placed exactly between the two looks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import { observe, openRun } from "../../src/local/run-context.js";
import { planYaml, repoForTest } from "./local-fixtures.js";

describe("observe", () => {
  it("sees a worker that wrote 'finished' and exited between the looks as finished, not stale", async (t) => {
    const yaml = planYaml(`  - { id: a, tasks: [one], files: ["out/a-*"] }\n`);
    const repo = await repoForTest(t, yaml);
    const ctx = await openRun({ repo: repo.dir, plan: parsePlan(yaml, "weave.yml"), planPath: `${repo.dir}/.github/weave.yml`, env: process.env, skipPreflight: true });
    try {
      const record = ctx.state.milestones.a!;
      Object.assign(record, { state: "running", pid: process.pid, startedAt: new Date().toISOString(), attempts: 1 });
      const status = (state: WorkerStatus["state"], tasksDone: number): string => JSON.stringify({
        milestone: "a", runId: ctx.state.runId, state, tasksDone, tasks: 1, costUsd: 0, pid: process.pid,
        startedAt: record.startedAt!, updatedAt: new Date().toISOString(),
      } satisfies WorkerStatus);
      mkdirSync(ctx.paths.runDir, { recursive: true });
      writeFileSync(ctx.paths.status("a"), status("running", 0));
      // Asked whether the worker lives, it has just written its final status and exited.
      const seen = await observe(ctx, () => {
        writeFileSync(ctx.paths.status("a"), status("finished", 1));
        return false;
      });
      expect(record.state).toBe("finished");
      expect(seen.ended).toEqual(["a"]);
    } finally {
      await ctx.lock.release();
    }
  });
});
