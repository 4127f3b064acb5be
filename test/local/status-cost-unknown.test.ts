// `weave status` (text and --json) on a run where one milestone's spend could not be read: "unknown", never $0.00;
// the totals count known spend and name the milestone. Real files in a real repository, the built CLI.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeJsonAtomic } from "../../src/local/atomic-json.js";
import { moveMilestone, newRunState, saveRunState } from "../../src/local/state-store.js";
import { weavePaths } from "../../src/local/weave-paths.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";

const BIN = join(resolve(import.meta.dirname, "../.."), "bin/weave.js");
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weave-status-cost-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  mkdirSync(join(dir, ".github"));
  writeFileSync(join(dir, ".github/weave.yml"), "version: 1\nbudget_ceiling: 1\nworker: { command: ./agent.sh }\nmilestones:\n  - { id: known, tasks: [t] }\n  - { id: dark, tasks: [t] }\n");
  const paths = weavePaths(dir);
  mkdirSync(paths.runDir, { recursive: true });
  const now = new Date();
  const state = newRunState("r1", ".github/weave.yml", "main", ["known", "dark"], [1, 1], now);
  for (const id of ["known", "dark"]) {
    moveMilestone(state, id, "eligible", now);
    moveMilestone(state, id, "claimed", now);
    moveMilestone(state, id, "running", now);
    moveMilestone(state, id, "finished", now);
  }
  state.milestones.known!.costUsd = 0.25;
  await saveRunState(paths.state, state, now);
  const status: WorkerStatus = { milestone: "dark", runId: "r1", state: "finished", tasksDone: 1, tasks: 1, costUsd: 0, costUnknown: true, pid: 1, startedAt: now.toISOString(), updatedAt: now.toISOString() };
  await writeJsonAtomic(paths.status("dark"), status);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe("weave status with unknown cost", () => {
  it("prints unknown for the milestone and names it in the totals", () => {
    const out = execFileSync(process.execPath, [BIN, "status"], { cwd: dir, encoding: "utf8" });
    expect(out).toMatch(/^dark\s+finished\s+0\/1\s+unknown\s/m);
    expect(out).toMatch(/^known\s+finished\s+0\/1\s+\$0\.25\s/m);
    expect(out).toContain("cost $0.25 known (unknown for dark) · budget $1.00 (25 % used)");
  });

  it("--json gives null cost with costUnknown, and the unknown milestones in the totals", () => {
    const json = JSON.parse(execFileSync(process.execPath, [BIN, "status", "--json"], { cwd: dir, encoding: "utf8" })) as { milestones: { id: string; costUsd: number | null; costUnknown?: boolean }[]; totals: { costUsd: number; costUnknownIds?: string[] } };
    expect(json.milestones.find((m) => m.id === "dark")).toMatchObject({ costUsd: null, costUnknown: true });
    expect(json.milestones.find((m) => m.id === "known")).toMatchObject({ costUsd: 0.25 });
    expect(json.milestones.find((m) => m.id === "known")).not.toHaveProperty("costUnknown");
    expect(json.totals).toMatchObject({ costUsd: 0.25, costUnknownIds: ["dark"] });
  });
});
