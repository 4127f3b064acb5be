// The agent is untrusted (issue 13): a job that holds the run's OIDC token and push token tries to take over the run.
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
let live: number | undefined;
afterEach(async () => {
  // The scripted agent sleeps long so the run stays live while it is attacked: end it before closing.
  if (live !== undefined) world?.gh.actions.loseRunner(live);
  live = undefined;
  await world?.close();
  world = undefined;
});

const PLAN = `version: 1\nretries: 0\nheartbeat_timeout: 60s\nmerge: { via: direct, auto: auto }\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [one, two, three] }\n  - { id: M2, depends_on: [M1], tasks: [x] }\n`;

/** The claims GitHub puts in the worker job's own token (what an agent in that job can mint). */
function jobClaims(w: AppWorld, runId: number, over: Record<string, string> = {}) {
  const repository = "acme/widgets";
  const workflowRef = `${repository}/.github/workflows/weave-worker.yml@refs/heads/main`;
  return {
    sub: `repo:${repository}:ref:refs/heads/main`, repository, repository_id: String(w.repo.record.id), repository_owner: "acme", repository_owner_id: "1", repository_visibility: "private",
    run_id: String(runId), run_number: "1", run_attempt: "1", workflow: "weave worker", workflow_ref: workflowRef, workflow_sha: "0".repeat(40),
    job_workflow_ref: workflowRef, job_workflow_sha: "0".repeat(40), ref: "refs/heads/main", ref_type: "branch", ref_protected: "false",
    sha: "0".repeat(40), actor: "alice", actor_id: "1", event_name: "workflow_dispatch", head_ref: "", base_ref: "", runner_environment: "github-hosted",
    ...over,
  };
}

async function post(w: AppWorld, token: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${w.server.url}/weave/heartbeat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

function forged(over: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString();
  return { milestone: "M1", runId: "x", state: "finished", tasksDone: 3, tasks: 3, costUsd: -100, pid: 1, startedAt: now, updatedAt: now, verify: { state: "passed", attempt: 1 }, ...over };
}

async function runningM1(w: AppWorld): Promise<number> {
  await w.comment("/weave start");
  const runId = await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "M1 to be dispatched");
  // The job's own first heartbeat has arrived: the run is live.
  await waitFor(async () => w.server.weave.sessions.get("acme/widgets")?.heartbeats.get("M1"), "M1's first heartbeat");
  live = runId;
  return runId;
}

describe("an untrusted job", () => {
  it("cannot finish its milestone by saying so: finished needs the branch's checkpoints, and the cost must be a real one", { timeout: 120_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, agent: { sleepMs: 60_000 } });
    const w = world;
    const runId = await runningM1(w);
    const token = await w.gh.oidc.mint(jobClaims(w, runId), "weave");
    const head = (await w.repo.head("weave/M1"))!;
    // The exact forgery of the issue: refused whole (a negative cost is no cost).
    const attack = await post(w, token, { status: forged({ headSha: head }) });
    expect(attack.status).toBe(400);
    expect(attack.text).toContain("costUsd");
    // With a plausible cost the claim parses, but weave/M1 carries no checkpoint: the milestone does not finish.
    expect((await post(w, token, { status: forged({ costUsd: 0.01, headSha: head }) })).status).toBe(200);
    await waitFor(async () => { const r = (await w.ledger()).milestones.M1; return r?.reason?.includes("no checkpoint commit"); }, "the claim to be weighed", 20_000);
    const ledger = await w.ledger();
    expect(["claimed", "running"]).toContain(ledger.milestones.M1!.state);
    expect(ledger.milestones.M1!.tasksDone).toBe(0);
    expect(ledger.milestones.M1!.verify).toBeUndefined();
    expect(ledger.milestones.M2!.state).toBe("pending");
    expect(w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch")).toHaveLength(1);
  });

  it("cannot store a cost that is not a number, and the App keeps answering", { timeout: 120_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, agent: { sleepMs: 60_000 } });
    const w = world;
    const runId = await runningM1(w);
    const token = await w.gh.oidc.mint(jobClaims(w, runId), "weave");
    const lots = await post(w, token, { status: forged({ state: "running", tasksDone: 0, costUsd: "lots" }) });
    expect(lots.status).toBe(400);
    expect((await post(w, token, null)).status).toBe(400);
    expect((await post(w, token, { status: forged({ state: "running", tasksDone: 9, costUsd: 0 }) })).status).toBe(422);
    await w.comment("/weave status");
    await waitFor(async () => w.gh.calls.some((c) => c.operationId === "issues/update-comment"), "the status comment");
    expect(typeof (await w.ledger()).milestones.M1!.costUsd).toBe("number");
    expect(w.errors).toEqual([]);
  });

  // retry: under full-suite load the genuine heartbeat was once refused 403 (passed in the run before): a race between
  // the claim storing the repository id and the first heartbeat, to be found (see the session note).
  it("only the worker workflow's dispatched run speaks for a milestone", { timeout: 120_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, agent: { sleepMs: 60_000 } });
    const w = world;
    const runId = await runningM1(w);
    const running = forged({ state: "running", tasksDone: 0, costUsd: 0 });
    const as = async (over: Record<string, string>) => (await post(w, await w.gh.oidc.mint(jobClaims(w, runId, over), "weave"), { status: running })).status;
    expect(await as({})).toBe(200);
    expect(await as({ event_name: "push" })).toBe(403);
    expect(await as({ workflow_ref: "acme/widgets/.github/workflows/other.yml@refs/heads/main" })).toBe(403);
    expect(await as({ workflow_ref: "acme/widgets/.github/workflows/weave-worker.yml@refs/heads/feature" })).toBe(403);
    expect(await as({ repository_id: "999999" })).toBe(403);
    expect(await as({ run_attempt: "2" })).toBe(403);
  });
});
