/**
 * Gate: `overlap: serialize`. Two independent milestones whose declared files overlap never run at the same time
 * (the second starts only after the first merged), while under `overlap: warn` they run together with a warning.
 * `weave plan simulate` schedules the same plan the same way.
 */
import { describe, expect, it } from "vitest";
import { repoForTest, eventAt, planYaml, trailerValues } from "./local-fixtures.js";
import type { RunStateFile, TestRepo } from "./local-fixtures.js";

const plan = (overlap: "serialize" | "warn"): string => planYaml(`  - { id: session, tasks: [one], files: ["src/auth/**"] }
  - { id: login, tasks: [one], files: ["src/auth/login.ts"] }
`, `overlap: ${overlap}\n`);

const ENV = {
  AGENT_FILES: JSON.stringify({ session: "src/auth/session.ts", login: "src/auth/login.ts" }),
  AGENT_SLEEP_MS: "800",
};

interface Interval {
  id: string;
  start: number;
  end: number;
}

function runIntervals(state: RunStateFile): Interval[] {
  return ["session", "login"].map((id) => ({ id, start: eventAt(state, "claimed", id), end: eventAt(state, "finished", id) })).sort((a, b) => a.start - b.start);
}

async function simulate(r: TestRepo): Promise<Interval[]> {
  const sim = await r.weave(["plan", "simulate", "--json", "--workers", "2"]);
  expect(sim.code, sim.stderr).toBe(0);
  const json = JSON.parse(sim.stdout) as { schedule: Interval[] };
  expect(json.schedule.map((s) => s.id).sort()).toEqual(["login", "session"]);
  return [...json.schedule].sort((a, b) => a.start - b.start);
}

describe.concurrent("overlapping declared files", () => {
  it("under `overlap: serialize` run one after the other, even with a free worker", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, plan("serialize"));
    const run = await repo.weave(["start"], ENV);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    const state = await repo.state();
    const [first, second] = runIntervals(state);
    // The second is claimed only after the first finished, and (its files locked until then) merged.
    expect(second!.start).toBeGreaterThanOrEqual(first!.end);
    expect(second!.start).toBeGreaterThanOrEqual(eventAt(state, "merged", first!.id));
    expect(trailerValues(repo, "main", "Weave-Merged").sort()).toEqual(["login", "session"]);

    const [a, b] = await simulate(repo);
    expect(b!.start).toBeGreaterThanOrEqual(a!.end);
  });

  it("under `overlap: warn` run at the same time, with an overlap warning", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, plan("warn"));
    const run = await repo.weave(["start"], ENV);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/File Overlap Warnings \(1\)/);
    const [first, second] = runIntervals(await repo.state());
    expect(second!.start).toBeLessThan(first!.end);
    expect(trailerValues(repo, "main", "Weave-Merged").sort()).toEqual(["login", "session"]);

    const [a, b] = await simulate(repo);
    expect(b!.start).toBeLessThan(a!.end);
  });
});
