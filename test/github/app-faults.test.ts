// Faults on GitHub: a job that dies, the budget, an App restart mid-run, forged heartbeats.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ONE = (tasks: string, extra = "") => `version: 1\nretries: 1\nheartbeat_timeout: 60s\n${extra}worker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [${tasks}] }\n`;

async function trailers(w: AppWorld, branch: string): Promise<string[]> {
  return (await w.repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", branch, "^main"])).split("\n").filter(Boolean).reverse();
}

describe("App faults", () => {
  it("requeues a job whose runner died, and the new job resumes after the last checkpoint", { timeout: 240_000 }, async () => {
    // Task 2 waits for a gate the test opens only once the second job is dispatched: the first job is lost in task 2.
    const gate = join(await mkdtemp(join(tmpdir(), "weave-faults-")), "gate");
    world = await createAppWorld({ plan: ONE("one, two, three"), agent: { sleepMs: 200, gate: { "M1:2": gate } } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w, "weave/M1")).includes("1/3"), "the first checkpoint");
    await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the ledger to record the run");
    const first = (await w.ledger()).milestones.M1!.runId!;
    w.gh.actions.loseRunner(first);
    await waitFor(async () => ((await w.ledger()).milestones.M1?.attempts ?? 0) >= 2, "a second job for M1");
    await writeFile(gate, "");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish on its second attempt");
    const record = (await w.ledger()).milestones.M1!;
    expect(record.attempts).toBe(2);
    expect(record.runId).not.toBe(first);
    expect(await trailers(w, "weave/M1")).toEqual(["1/3", "2/3", "3/3"]);
    expect(w.errors).toEqual([]);
  });

  it("stops the run at the budget: running workers told to stop, nothing new dispatched", { timeout: 240_000 }, async () => {
    const plan = "version: 1\nmax_workers: 1\nbudget_ceiling: 0.15\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: A, tasks: [a1, a2, a3, a4] }\n  - { id: B, tasks: [b1] }\n";
    world = await createAppWorld({ plan, agent: { sleepMs: 1500, usd: 0.1 } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).run?.budgetStopped === true, "the budget to stop the run");
    await waitFor(async () => ["stopped", "finished"].includes((await w.ledger()).milestones.A!.state), "A to stop");
    await w.gh.settled();
    const ledger = await w.ledger();
    expect(ledger.milestones.A!.state).toBe("stopped");
    expect(ledger.milestones.A!.costUsd).toBeGreaterThanOrEqual(0.15);
    expect(ledger.milestones.A!.tasksDone).toBeLessThan(4);
    expect(ledger.milestones.B!.state).toBe("pending");
    expect(w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch")).toHaveLength(1);
  });

  it("carries on after an App restart mid-run, from what GitHub holds", { timeout: 240_000 }, async () => {
    world = await createAppWorld({ plan: ONE("one, two, three"), agent: { sleepMs: 1200 } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await trailers(w, "weave/M1")).includes("1/3"), "M1's first checkpoint");
    await w.restart();
    expect(w.server.weave.sessions.size).toBe(0);
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish after the restart");
    const record = (await w.ledger()).milestones.M1!;
    expect(record.attempts).toBe(1);
    expect(record.tasksDone).toBe(3);
  });

  it("rejects forged, foreign-repository and unknown-run heartbeats", async () => {
    world = await createAppWorld();
    const w = world;
    const post = async (token: string, milestone = "data") =>
      (await fetch(`${w.server.url}/weave/heartbeat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ dispatch_id: "x", status: { milestone, runId: "1", state: "running", tasksDone: 0, tasks: 2, costUsd: 0, pid: 1, startedAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" } }) })).status;
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ repository: "acme/widgets", run_id: "1" }).setProtectedHeader({ alg: "RS256", kid: "nope" }).setIssuer(w.gh.oidcIssuer).setAudience("weave").setIssuedAt().setExpirationTime("5m").sign(privateKey);
    expect(await post(forged)).toBe(401);
    const claims = (repository: string, runId: string) => ({
      sub: `repo:${repository}:ref:refs/heads/main`, repository, repository_id: "1", repository_owner: repository.split("/")[0]!, repository_owner_id: "1", repository_visibility: "private",
      run_id: runId, run_number: "1", run_attempt: "1", workflow: "weave worker", workflow_ref: `${repository}/.github/workflows/weave-worker.yml@refs/heads/main`, workflow_sha: "0".repeat(40),
      job_workflow_ref: `${repository}/.github/workflows/weave-worker.yml@refs/heads/main`, job_workflow_sha: "0".repeat(40), ref: "refs/heads/main", ref_type: "branch", ref_protected: "false",
      sha: "0".repeat(40), actor: "alice", actor_id: "1", event_name: "workflow_dispatch", head_ref: "", base_ref: "", runner_environment: "github-hosted",
    });
    expect(await post(await w.gh.oidc.mint(claims("acme/widgets", "1"), "not-weave"))).toBe(401);
    expect(await post(await w.gh.oidc.mint(claims("evil/other", "1"), "weave"))).toBe(403);
    expect(await post(await w.gh.oidc.mint(claims("acme/widgets", "424242"), "weave"))).toBe(403);
  });
});
