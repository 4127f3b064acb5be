// The coordinator without a server: no weave App exists in this stand-in at all. A person comments `/weave start`;
// the coordinator workflow `weave init --coordinator actions` writes runs on that event (the Action's bundle, mode
// coordinate, with the job's GITHUB_TOKEN); it dispatches workers; each worker's post step dispatches the coordinator
// with its final report; a diamond plan runs to every milestone merged (direct mode), each landing checked on main.
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../github/app-fixtures.js";
import { COORDINATOR, coordinatorCalls, createCoordinatorWorld, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

const DIAMOND_DIRECT = `version: 1
max_workers: 2
retries: 1
heartbeat_timeout: 5m
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: data, title: Data layer, tasks: [model, repo] }
  - { id: api, title: API routes, depends_on: [data], tasks: [routes] }
  - { id: ui, title: UI components, depends_on: [data], tasks: [list] }
  - { id: integration, title: Integration, depends_on: [api, ui], tasks: [wire] }
`;

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

describe("the coordinator inside Actions (no App server)", () => {
  it("runs a diamond plan from a /weave start comment to every milestone merged, with GITHUB_TOKEN only", async () => {
    world = await createCoordinatorWorld({ plan: DIAMOND_DIRECT, agent: { sleepMs: 100 } });
    const { gh, alice, watcher, ledger, issue } = world;

    await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave start" });
    const done = await waitFor(async () => {
      const l = await ledger();
      const states = Object.values(l.milestones).map((r) => r.state);
      return states.length === 4 && states.every((s) => s === "merged") ? l : undefined;
    }, "every milestone merged", Number(process.env.WEAVE_WAIT_MS ?? 240_000)).catch(async (e: unknown) => {
      // What each run did, to see where the loop stopped.
      for (const r of gh.runner.runs.values()) console.log(r.workflowPath, r.event, r.status, r.conclusion, r.jobs.map((j) => j.log).join("\n").slice(-3000));
      console.log(JSON.stringify(await ledger().catch(() => undefined), null, 1));
      throw e;
    });
    await gh.settled();

    // Every milestone's work is on main, each landed by a weave merge commit.
    const { data: commits } = await alice.repos.listCommits({ ...o, sha: "main", per_page: 100 });
    const landed = commits.map((c) => /^Weave-Merged: *(\S+)/m.exec(c.commit.message)?.[1]).filter(Boolean);
    expect(new Set(landed)).toEqual(new Set(["data", "api", "ui", "integration"]));
    for (const file of ["data-1.txt", "data-2.txt", "api-1.txt", "ui-1.txt", "integration-1.txt"]) {
      expect((await watcher.readFile(file, "main"))?.text, file).toBeDefined();
    }
    expect(done.run?.trackingIssue).toBe(issue);

    // Who ran what: coordinator runs started by events and by the workers' closing dispatches; no App anywhere.
    const runs = [...gh.runner.runs.values()];
    const coordinator = runs.filter((r) => r.workflowPath === COORDINATOR);
    const workers = runs.filter((r) => r.workflowPath === WORKER);
    expect(workers.map((r) => r.conclusion)).toEqual(["success", "success", "success", "success"]);
    expect(coordinator.every((r) => r.conclusion === "success")).toBe(true);
    expect(coordinator[0]?.event).toBe("issue_comment");
    expect(coordinator.filter((r) => r.event === "workflow_dispatch").length).toBeGreaterThanOrEqual(4);
    // The status comment shows the run settled; check runs were made with the job's token (github-actions).
    const { data: comments } = await alice.issues.listComments({ ...o, issue_number: issue });
    expect(comments.some((c) => /integration/.test(c.body ?? "") && /merged/.test(c.body ?? ""))).toBe(true);
    const heads = await alice.checks.listForRef({ ...o, ref: "weave/data" }).catch(() => undefined);
    if (heads) expect(heads.data.check_runs.filter((c) => c.name.includes("data")).every((c) => c.app?.slug === "github-actions")).toBe(true);
    // Economy (issue 18 asks ≤ 3 coordinator runs and ≤ 15 REST calls per milestone): printed, not a timing goal.
    const calls = coordinatorCalls(world);
    console.log(`coordinator runs: ${coordinator.length} (${(coordinator.length / 4).toFixed(2)} per milestone); REST calls: ${calls.join("+")} = ${calls.reduce((a, b) => a + b, 0)} (${(calls.reduce((a, b) => a + b, 0) / 4).toFixed(1)} per milestone)`);
    expect(calls.every(Number.isFinite)).toBe(true);
    expect(gh.takeViolations()).toEqual([]);
  }, 300_000);

  it("keeps a long job alive on a schedule tick (GitHub shows its run in progress; no heartbeat reaches anyone) and merges it", async () => {
    const plan = `version: 1
heartbeat_timeout: 1s
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
milestones:
  - { id: slow, title: A long task, tasks: [think] }
`;
    world = await createCoordinatorWorld({ plan: plan, agent: { sleepMs: 15000 } });
    const { gh, alice, ledger, issue } = world;
    await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave start" });
    await waitFor(async () => (await ledger()).milestones.slow?.runId !== undefined, "the worker dispatched");
    // Past the plan's heartbeat_timeout with the job still working: the tick must not call it silent.
    await new Promise((r) => setTimeout(r, 2500));
    // Fired, not awaited: schedule() resolves only once every run has settled, the worker's too.
    const settled = gh.actions.schedule("acme/widgets");
    const tick = await waitFor(async () => [...gh.runner.runs.values()].find((r) => r.event === "schedule" && r.status === "completed"), "the tick's coordinator run");
    expect(tick.conclusion).toBe("success");
    const during = (await ledger()).milestones.slow!;
    expect(during.state).toBe("running");
    expect(during.requeues).toBe(0);
    await settled;
    const done = await waitFor(async () => ((await ledger()).milestones.slow?.state === "merged" ? ledger() : undefined), "slow merged");
    expect(done.milestones.slow).toMatchObject({ state: "merged", attempts: 1, requeues: 0 });
    const worker = [...gh.runner.runs.values()].filter((r) => r.workflowPath === WORKER);
    expect(worker.map((r) => r.conclusion)).toEqual(["success"]);
    expect(gh.takeViolations()).toEqual([]);
  }, 120_000);

  it("/weave stop cancels the running job (no reply can reach it); it checkpoints, reports, and the milestone is stopped", async () => {
    const plan = `version: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
milestones:
  - { id: slow, title: A long task, tasks: [think, more] }
`;
    world = await createCoordinatorWorld({ plan: plan, agent: { sleepMs: 20000 } });
    const { gh, alice, ledger, issue } = world;
    await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave start" });
    await waitFor(async () => (await ledger()).milestones.slow?.runId !== undefined, "the worker dispatched");
    await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave stop" });
    const stopped = await waitFor(async () => ((await ledger()).milestones.slow?.state === "stopped" ? ledger() : undefined), "slow stopped", 60_000).catch(async (e: unknown) => {
      for (const r of gh.runner.runs.values()) console.log("RUN", r.workflowPath, r.event, r.status, r.conclusion, r.jobs.map((j) => j.log).join("").replace(/::add-mask::\S+/g, "").slice(-1200));
      console.log(JSON.stringify((await ledger()).milestones));
      throw e;
    });
    expect(stopped.milestones.slow?.state).toBe("stopped");
    await gh.settled();
    const worker = [...gh.runner.runs.values()].filter((r) => r.workflowPath === WORKER);
    expect(worker.map((r) => r.conclusion)).toEqual(["cancelled"]);
    expect(gh.takeViolations()).toEqual([]);
  }, 120_000);

  it("a Merge button on the milestone's check run (made with GITHUB_TOKEN) comes back to the coordinator workflow and lands it", async () => {
    const plan = `version: 1
merge: { via: direct, auto: manual }
worker:
  command: node agent.mjs
milestones:
  - { id: one, title: One, tasks: [write] }
`;
    world = await createCoordinatorWorld({ plan: plan, agent: { sleepMs: 100 } });
    const { gh, alice, ledger, issue } = world;
    await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave start" });
    const finished = await waitFor(async () => ((await ledger()).milestones.one?.state === "finished" ? ledger() : undefined), "one finished (manual merge)");
    await gh.settled();
    const checkRunId = finished.milestones.one!.checkRunId!;
    const { data: check } = await alice.checks.get({ ...o, check_run_id: checkRunId });
    expect(check.app?.slug).toBe("github-actions");
    expect(check.status).toBe("completed");
    gh.checks.requestAction("acme/widgets", checkRunId, "merge", "alice");
    await waitFor(async () => (await ledger()).milestones.one?.state === "merged", "one merged by the button");
    await gh.settled();
    const button = [...gh.runner.runs.values()].filter((r) => r.event === "check_run");
    expect(button.map((r) => [r.workflowPath, r.conclusion])).toEqual([[COORDINATOR, "success"]]);
    expect(gh.takeViolations()).toEqual([]);
  }, 120_000);
});
