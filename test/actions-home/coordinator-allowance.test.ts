// Allowances end to end in the Actions home (no App server): no heartbeat reaches a coordinator while jobs run, so
// each job is dispatched with its share of the run's remaining budget (core/worker-allowance.ts) and stops itself
// there. Two jobs side by side cannot overspend the ceiling between coordinator passes (each, reading only the ledger,
// would think the whole budget its own); and a job that stopped on its allowance while the run still has budget is
// resumed from its checkpoint with a new allowance — not failed, not budget-stopped.
import { afterEach, describe, expect, it } from "vitest";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { waitFor } from "../github/app-fixtures.js";
import { createCoordinatorWorld, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

const workerRuns = (w: CoordinatorWorld) => [...w.gh.runner.runs.values()].filter((r) => r.workflowPath.endsWith("weave-worker.yml"));
const spent = (l: Awaited<ReturnType<CoordinatorWorld["ledger"]>>) => Object.values(l.milestones).reduce((n, r) => n + r.costUsd, 0);

async function settledWhen(w: CoordinatorWorld, done: (l: Awaited<ReturnType<CoordinatorWorld["ledger"]>>) => boolean, what: string) {
  return await waitFor(async () => {
    const l = await w.ledger();
    return done(l) ? l : undefined;
  }, what, 180_000).catch(async (e: unknown) => {
    console.log(await w.explain());
    throw e;
  });
}

describe("allowances in the Actions home", () => {
  it("two jobs side by side cannot overspend the ceiling: each stops at its share", async () => {
    world = await createCoordinatorWorld({ plan: `version: 1
max_workers: 2
budget_ceiling: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: a, title: First, tasks: [one, two, three, four] }
  - { id: b, title: Second, tasks: [one, two, three, four] }
`, agent: { sleepMs: 300, usd: 0.25 } });
    const w = world;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    await settledWhen(w, (l) => ["a", "b"].every((id) => ["stopped", "paused", "finished", "merged", "failed"].includes(l.milestones[id]?.state ?? "")), "a and b settled");
    await w.gh.settled();
    const l = await w.ledger();
    // Without allowances each worker would read $1 left in the ledger and run all four tasks: $2 in all.
    expect(spent(l)).toBeLessThanOrEqual(1);
    expect(l.milestones.a).toMatchObject({ state: "stopped", tasksDone: 2, costUsd: 0.5, attempts: 1 });
    expect(l.milestones.b).toMatchObject({ state: "stopped", tasksDone: 2, costUsd: 0.5, attempts: 1 });
    expect(l.run?.budgetStopped).toBe(true);
    // They ran side by side, and stopped themselves (no cancel).
    const [ra, rb] = workerRuns(w);
    expect(ra!.createdAt < rb!.updatedAt && rb!.createdAt < ra!.updatedAt).toBe(true);
    expect(workerRuns(w).map((r) => r.conclusion)).toEqual(["success", "success"]);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);

  it("a job that stopped on its allowance while the run has budget left is resumed from its checkpoint with a new one", async () => {
    world = await createCoordinatorWorld({ plan: `version: 1
max_workers: 2
budget_ceiling: 1
retries: 0
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: a, title: Long, tasks: [one, two, three] }
  - { id: b, title: Short, tasks: [one] }
`, agent: { sleepMs: 300, usd: 0.25 } });
    const w = world;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    // a's first job gets $0.50 (b the other half) and stops after two tasks; b spends $0.25 and lands; a is resumed
    // with the $0.25 left, runs its third task, and lands: the run spends $1.00, exactly its ceiling.
    const l = await settledWhen(w, (x) => ["a", "b"].every((id) => ["merged", "failed", "stopped"].includes(x.milestones[id]?.state ?? "")), "a and b settled");
    await w.gh.settled();
    expect(l.milestones.b).toMatchObject({ state: "merged", costUsd: 0.25 });
    expect(l.milestones.a).toMatchObject({ state: "merged", tasksDone: 3, costUsd: 0.75, attempts: 2, requeues: 0 });
    expect(spent(l)).toBe(1);
    expect(workerRuns(w).map((r) => r.conclusion)).toEqual(["success", "success", "success"]);
    // The second job of a resumed after the checkpoint: tasks 1 and 2 ran once.
    const { data: commits } = await w.alice.repos.listCommits({ ...o, sha: "main", per_page: 100 });
    expect(commits.map((c) => c.commit.message.split("\n")[0]!).filter((s) => s.startsWith("weave(a): ")).sort()).toEqual(["weave(a): task 1/3 — one", "weave(a): task 2/3 — two", "weave(a): task 3/3 — three"]);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);

  it("a worker workflow written before the allowance input still gets its jobs, without an allowance", async () => {
    const current = renderWorkerWorkflow({ actionRef: "./action", coordinator: "actions" });
    const before = current.replace(/ {6}allowance_usd:\n(?: {8}.*\n)+/, "").replace(/ {10}allowance-usd: .*\n/, "");
    expect(before).not.toContain("allowance");
    world = await createCoordinatorWorld({ plan: `version: 1
budget_ceiling: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: a, title: Only, tasks: [one, two] }
`, agent: { sleepMs: 100, usd: 0.25 }, files: { [WORKER]: before } });
    const w = world;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    const l = await settledWhen(w, (x) => ["merged", "failed", "stopped"].includes(x.milestones.a?.state ?? ""), "a settled");
    expect(l.milestones.a).toMatchObject({ state: "merged", costUsd: 0.5, attempts: 1 });
    expect(l.milestones.a?.allowanceUsd).toBeUndefined();
    // GitHub refused the unknown input once (422), and the same dispatch went again without it.
    expect(w.gh.violations.filter((v) => !/Unexpected inputs/.test(v.message))).toEqual([]);
  }, 240_000);
});
