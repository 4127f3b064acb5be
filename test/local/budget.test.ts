/**
 * Gate: the budget ceiling. Once the run's cost reaches `budget_ceiling`, nothing new starts, running workers are
 * stopped (budget_action: stop), the summary says why, and the cost ends at or just past the ceiling.
 */
import { afterEach, describe, expect, it } from "vitest";
import { checkpoints, createTestRepo, eventAt, planYaml } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

const CEILING = 0.05;
const TASK_COST = 0.03;

describe("the budget ceiling", () => {
  it("stops running workers and starts nothing new once reached; the summary says so", async () => {
    repo = await createTestRepo(planYaml(`  - { id: a, tasks: [one], files: ["out/a-*"] }
  - { id: b, tasks: [one, two], files: ["out/b-*"] }
  - { id: c, tasks: [one], files: ["out/c-*"] }
  - { id: d, tasks: [one], files: ["out/d-*"] }
`, `budget_ceiling: ${CEILING}\norder: plan\n`));
    // a and b start; a finishes ($0.03) and c takes its slot; c finishing ($0.06) crosses the ceiling while b still runs.
    const run = await repo.weave(["start"], { AGENT_COST: String(TASK_COST), AGENT_SLEEP_BY: JSON.stringify({ a: 100, b: 8000, c: 100, d: 100 }) });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(3);
    expect(run.stdout).toContain(`budget $${CEILING.toFixed(2)}`);
    expect(run.stdout).toMatch(/budget of \$0\.05 reached: nothing new starts; stopping b/);
    expect(run.stdout).toMatch(/\n\s+b\s+stopped \(budget reached\) — `weave resume b`, then `weave start --budget USD` with a higher budget \(or raise `budget_ceiling` in the plan\)/);
    expect(run.stdout).toMatch(/budget of \$0\.05 reached: .*to go on, `weave start --budget USD` with a higher budget/);
    // d is held by the budget, not by a lack of workers.
    expect(run.stdout).toMatch(/\n\s+d\s+waits: budget reached \(`weave start --budget USD`/);
    expect(run.stdout).not.toContain("a free worker");

    const state = await repo.state();
    expect(state.budgetStopped).toBe(true);
    expect(state.milestones.a!.state).toBe("merged");
    expect(state.milestones.c!.state).toBe("merged");
    expect(state.milestones.b!.state).toBe("stopped");
    expect(state.milestones.b!.tasksDone).toBe(0);
    // d never started, and nothing was claimed after the ceiling was reached.
    expect(state.milestones.d!.attempts).toBe(0);
    expect(["pending", "eligible"]).toContain(state.milestones.d!.state);
    const stoppedAt = eventAt(state, "stop", "b");
    expect(state.events.filter((e) => e.kind === "claimed" && Date.parse(e.at) > stoppedAt)).toEqual([]);

    const cost = Object.values(state.milestones).reduce((n, r) => n + r.costUsd, 0);
    expect(cost).toBeGreaterThanOrEqual(CEILING);
    expect(cost).toBeLessThanOrEqual(CEILING + TASK_COST);
    expect(run.stdout).toMatch(/2\/4 merged into main in [\d.]+ s, cost \$0\.06/);

    // b's interrupted task left only a partial checkpoint on its branch; nothing of b or d is on main.
    expect(checkpoints(repo, "weave/b")).toEqual(["b 1/2 partial"]);
    expect(checkpoints(repo, "main").sort()).toEqual(["a 1/1", "c 1/1"]);

    // Raising the budget lets the run go on: d starts; b, stopped by the budget, once resumed goes on from its checkpoint.
    const env = { AGENT_COST: String(TASK_COST), AGENT_SLEEP_MS: "50" };
    const more = await repo.weave(["start", "--budget", "1"], env);
    expect(more.stdout).toContain("budget raised to $1.00: milestones may start again");
    expect(more.code, more.stdout).toBe(3);
    expect((await repo.state()).milestones.d!.state).toBe("merged");
    expect((await repo.weave(["resume", "b"])).code).toBe(0);
    const last = await repo.weave(["start", "--budget", "1"], env);
    expect(last.code, last.stdout).toBe(0);
    expect(Object.values((await repo.state()).milestones).map((m) => m.state)).toEqual(["merged", "merged", "merged", "merged"]);
  });
});
