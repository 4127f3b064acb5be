// The worker side of the Actions home (no App server, no heartbeat endpoint: the worker gets an empty app_url). A
// running worker re-reads the ledger ref itself for pause/stop and the run's remaining budget, and writes its progress
// on its own check run: a worker whose spending reaches the ceiling (the ledger holds the rest of the run's spend)
// stops itself before any coordinator pass looks; `/weave pause` reaches a running job without cancelling it (it
// checkpoints and ends paused, holding no runner), and `/weave resume` dispatches it again from the checkpoint.
import { afterEach, describe, expect, it } from "vitest";
import { CLAIM_MARK, readWorkerCheckClaim } from "../../src/action/worker-check-run.js";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { waitFor } from "../github/app-fixtures.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import { createCoordinatorWorld, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

interface World extends CoordinatorWorld { comment(body: string): Promise<void>; dump(): Promise<void> }

/** The Actions home (coordinator-fixtures.ts), with a comment by alice on the tracking issue and a dump of the runs. */
async function actionsHome(plan: string, agent: Record<string, unknown>, files?: Record<string, string>): Promise<World> {
  const w = await createCoordinatorWorld({ plan, agent, ...(files ? { files } : {}) });
  gh = w.gh;
  return {
    ...w,
    comment: async (body) => void (await w.alice.issues.createComment({ ...o, issue_number: w.issue, body })),
    dump: async () => console.log(await w.explain()),
  };
}

const BUDGET_PLAN = `version: 1
max_workers: 1
budget_ceiling: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: a, title: First, tasks: [one, two] }
  - { id: b, title: Second, depends_on: [a], tasks: [one, two, three, four] }
`;

const workerRuns = (g: GitHubStandIn) => [...g.runner.runs.values()].filter((r) => r.workflowPath.endsWith("weave-worker.yml"));
const coordinatorRuns = (g: GitHubStandIn) => [...g.runner.runs.values()].filter((r) => r.workflowPath.endsWith("weave-coordinator.yml"));

describe("the worker in the Actions home reads the ledger and writes its own check run", () => {
  it("a worker stops itself at the run's ceiling, counting the spend the ledger holds for other milestones, before any coordinator pass", async () => {
    // a spends $0.50 and merges; b may then spend only the $0.50 left, though b alone is under the ceiling: without
    // the ledger its worker would run all four tasks ($1.00, the run $1.50).
    const w = await actionsHome(`version: 1
max_workers: 1
budget_ceiling: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: a, title: First, tasks: [one, two] }
  - { id: b, title: Second, depends_on: [a], tasks: [one, two, three, four] }
`, { sleepMs: 100, usd: 0.25 });
    await w.comment("/weave start");
    const settled = await waitFor(async () => {
      const l = await w.ledger();
      return l.milestones.b && ["stopped", "finished", "merged", "failed"].includes(l.milestones.b.state) ? l : undefined;
    }, "b settled", 180_000).catch(async (e: unknown) => {
      await w.dump();
      throw e;
    });
    await w.gh.settled();
    const l = await w.ledger();
    if (l.milestones.b?.state !== "stopped") await w.dump();
    expect(settled.milestones.a?.state).toBe("merged");
    expect(l.milestones.b).toMatchObject({ state: "stopped", tasksDone: 2, costUsd: 0.5, attempts: 1 });
    expect(l.run?.budgetStopped).toBe(true);
    // The worker stopped itself: its run ended on its own (not cancelled by a coordinator pass), and no coordinator
    // run started while it ran.
    const [, b] = workerRuns(w.gh);
    expect(b?.conclusion).toBe("success");
    expect(l.milestones.b?.reason).toMatch(/budget/);
    const during = coordinatorRuns(w.gh).filter((r) => r.createdAt > b!.createdAt && r.createdAt < b!.updatedAt && r.event !== "workflow_dispatch");
    expect(during).toEqual([]);
    // What b left: its two checkpoints and nothing more; the run spent exactly its ceiling.
    expect(await w.watcher.readFile("b-2.txt", "weave/b")).toBeDefined();
    expect(await w.watcher.readFile("b-3.txt", "weave/b")).toBeUndefined();
    expect(Object.values(l.milestones).reduce((n, r) => n + r.costUsd, 0)).toBe(1);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);

  it("a worker that stopped itself on the budget and whose closing report was lost is stopped by the next tick, not requeued", async () => {
    // The worker's post step dispatches a coordinator workflow that does not exist: every closing report is lost, so
    // only the schedule tick looks, and it has GitHub's run state and the branch alone.
    const lost = renderWorkerWorkflow({ actionRef: "./action", coordinator: "actions" }).replace("coordinator: weave-coordinator.yml", "coordinator: weave-lost.yml");
    const w = await actionsHome(BUDGET_PLAN, { sleepMs: 100, usd: 0.25 }, { [WORKER]: lost });
    await w.comment("/weave start");
    await w.gh.settled();
    // Tick 1: a's run completed with every checkpoint: finished, merged; b is dispatched and stops itself at $0.50.
    await w.gh.actions.schedule("acme/widgets");
    await w.gh.settled();
    await w.gh.actions.schedule("acme/widgets");
    await w.gh.settled();
    const l = await w.ledger();
    if (l.milestones.b?.state !== "stopped") await w.dump();
    expect(l.milestones.a?.state).toBe("merged");
    // Tick 2: b's run ended without a report at 2/4 tasks; its branch's $0.50 brings the run to its ceiling.
    expect(l.milestones.b).toMatchObject({ state: "stopped", tasksDone: 2, costUsd: 0.5, attempts: 1 });
    expect(l.milestones.b?.reason).toMatch(/budget/);
    expect(l.run?.budgetStopped).toBe(true);
    expect(workerRuns(w.gh)).toHaveLength(2);
    // A later tick changes nothing: no requeue, no new job.
    await w.gh.actions.schedule("acme/widgets");
    await w.gh.settled();
    expect((await w.ledger()).milestones.b).toMatchObject({ state: "stopped", attempts: 1 });
    expect(workerRuns(w.gh)).toHaveLength(2);
  }, 240_000);

  it("shows progress on its check run, pauses after the task in flight without a cancel, and resumes from the checkpoint", async () => {
    const w = await actionsHome(`version: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: slow, title: A long first task, tasks: [first, second] }
`, { sleep: { "slow:1": 9000, "slow:2": 100 }, usd: 0.25 });
    await w.comment("/weave start");
    const running = await waitFor(async () => {
      const r = (await w.ledger()).milestones.slow;
      return r?.runId !== undefined && r.checkRunId !== undefined ? r : undefined;
    }, "the worker dispatched");

    // Progress on the worker's own check run (made by the coordinator with GITHUB_TOKEN, updated by the job's).
    const check = await waitFor(async () => {
      const { data } = await w.alice.checks.get({ ...o, check_run_id: running.checkRunId! });
      return readWorkerCheckClaim(data.output.text)?.status.currentTask === 1 ? data : undefined;
    }, "progress on the check run", 30_000).catch(async (e: unknown) => {
      await w.dump();
      throw e;
    });
    expect(check.app?.slug).toBe("github-actions");
    expect(check.output.title).toMatch(/^running — 0\/2 tasks/);
    const claim = readWorkerCheckClaim(check.output.text);
    expect(claim).toMatchObject({ dispatch_id: running.dispatchId, status: { milestone: "slow", state: "running", tasksDone: 0, tasks: 2, currentTask: 1 } });
    expect(check.output.text?.startsWith(CLAIM_MARK)).toBe(true);
    expect(check.output.text).not.toMatch(/first/); // the task's text stays off the check run's claim

    // Pause while task 1 is in flight: the job hears it from the ledger, finishes the task, checkpoints, ends paused.
    await w.comment("/weave pause");
    const paused = await waitFor(async () => ((await w.ledger()).milestones.slow?.state === "paused" ? w.ledger() : undefined), "slow paused", 60_000).catch(async (e: unknown) => {
      await w.dump();
      throw e;
    });
    expect(paused.milestones.slow).toMatchObject({ state: "paused", tasksDone: 1 });
    await w.gh.settled();
    expect(workerRuns(w.gh).map((r) => r.conclusion)).toEqual(["success"]); // ended by itself: not cancelled, no runner held
    expect(await w.watcher.readFile("slow-1.txt", "weave/slow")).toBeDefined();
    expect(await w.watcher.readFile("slow-2.txt", "weave/slow")).toBeUndefined();

    // Resume: a new job from the checkpoint runs task 2 only, and the milestone lands.
    await w.comment("/weave resume");
    const done = await waitFor(async () => ((await w.ledger()).milestones.slow?.state === "merged" ? w.ledger() : undefined), "slow merged", 60_000).catch(async (e: unknown) => {
      await w.dump();
      throw e;
    });
    await w.gh.settled();
    expect(done.milestones.slow).toMatchObject({ state: "merged", tasksDone: 2, costUsd: 0.5 });
    expect(workerRuns(w.gh).map((r) => r.conclusion)).toEqual(["success", "success"]);
    const { data: commits } = await w.alice.repos.listCommits({ ...o, sha: "main", per_page: 100 });
    const checkpoints = commits.map((c) => c.commit.message.split("\n")[0]!).filter((s) => s.startsWith("weave(slow): "));
    expect(checkpoints.sort()).toEqual(["weave(slow): task 1/2 — first", "weave(slow): task 2/2 — second"]);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);
});
