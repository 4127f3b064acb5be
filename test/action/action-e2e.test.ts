// The real bundled Action (action/dist) runs as a GitHub Actions job in the offline stand-in: a fresh clone of
// weave/<ID>, the runner's environment, checkpoint pushes over smart HTTP, heartbeats with OIDC tokens.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import type { RepoHandle } from "../harness/seeding.js";
import { startHeartbeatServer } from "./heartbeat-server.js";
import type { HeartbeatServer } from "./heartbeat-server.js";

const PLAN = `version: 1
retries: 0
worker:
  command: node agent.mjs
  heartbeat_interval: 150ms
milestones:
  - { id: M1, title: Three steps, tasks: [one, two, three] }
`;

/**
 * Steered by agent.json in the repository: { "sleepMs": 300, "slowTask": 2, "slowMs": 5000 }. In a resolve run
 * ($WEAVE_RESOLVE) it keeps both sides of each file in $WEAVE_CONFLICTS by dropping the marker lines.
 */
const AGENT = `import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
if (process.env.WEAVE_RESOLVE) {
  for (const f of process.env.WEAVE_CONFLICTS.split("\\n")) writeFileSync(f, readFileSync(f, "utf8").split("\\n").filter((l) => !/^(<<<<<<<|=======|>>>>>>>)/.test(l)).join("\\n"));
  appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.5 }) + "\\n");
  process.exit(0);
}
const cfg = JSON.parse(readFileSync("agent.json", "utf8"));
const n = Number(process.env.WEAVE_TASK_INDEX);
writeFileSync("task-" + n + ".txt", process.env.WEAVE_TASK + "\\n");
const ms = n === cfg.slowTask ? cfg.slowMs : cfg.sleepMs;
await new Promise((r) => setTimeout(r, ms));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.25 }) + "\\n");
`;

let gh: GitHubStandIn;
let repo: RepoHandle;
let octokit: Octokit;
let app: HeartbeatServer;

async function setUp(agentConfig: Record<string, number>): Promise<void> {
  repo = await gh.repos.create({
    owner: "acme",
    name: "widgets",
    files: { ".github/weave.yml": PLAN, ".github/workflows/weave-worker.yml": renderWorkerWorkflow({ actionRef: "./action" }), "agent.mjs": AGENT, "agent.json": JSON.stringify(agentConfig) },
  });
  await repo.createBranch("weave/M1");
}

beforeEach(async () => {
  gh = await createGitHubStandIn({ timeScale: 0.2 });
  app = await startHeartbeatServer(gh.oidcIssuer);
  const installation = gh.apps.create({ slug: "weave", events: [] }).install("acme");
  octokit = new Octokit({ baseUrl: gh.url, auth: installation.token(), request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
});
afterEach(async () => {
  await gh.close();
  await app.close();
});

async function dispatch(inputs: Partial<Record<"milestone" | "dispatch_id" | "sha" | "app_url" | "mode", string>> = {}): Promise<number> {
  const sha = (await repo.head("weave/M1"))!;
  const { data } = await octokit.actions.createWorkflowDispatch({
    owner: "acme", repo: "widgets", workflow_id: "weave-worker.yml", ref: "main", return_run_details: true,
    inputs: { milestone: "M1", dispatch_id: "d-1", sha, app_url: app.url, ...inputs },
  });
  return (data as { workflow_run_id: number }).workflow_run_id;
}

async function finished(runId: number) {
  const run = gh.actions.run(runId);
  await run.done;
  return { run, job: run.jobs[0]! };
}

function checkpoints(log: string): string[] {
  return log.split("\n").filter(Boolean);
}

async function branchLog(): Promise<string[]> {
  return checkpoints(await repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", "weave/M1", "^main"]));
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("worker Action as a job", () => {
  it("runs every task, pushes a checkpoint after each, heartbeats with OIDC tokens, sets outputs and a summary", async () => {
    await setUp({ sleepMs: 250 });
    const runId = await dispatch();
    const { run, job } = await finished(runId);
    expect(job.log).not.toContain("::error::");
    expect(run.conclusion).toBe("success");
    expect(await branchLog()).toEqual(["3/3", "2/3", "1/3"]);
    expect(job.outputs).toMatchObject({ state: "finished", "tasks-done": "3", "cost-usd": "0.7500" });
    expect(job.outputs["head-sha"]).toBe(await repo.head("weave/M1"));
    expect(job.summary).toContain("## weave: M1");
    expect(app.rejected).toEqual([]);
    expect(app.beats.length).toBeGreaterThanOrEqual(4);
    for (const beat of app.beats) expect(beat.claims).toMatchObject({ repository: "acme/widgets", run_id: String(runId), aud: "weave" });
    expect(app.beats.at(-1)!.status).toMatchObject({ state: "finished", tasksDone: 3, costUsd: 0.75 });
  });

  it("refuses to start the agent when weave/<ID> is not at the dispatched commit", async () => {
    await setUp({ sleepMs: 10 });
    const other = await repo.commit({ branch: "main", files: { "x.txt": "moved" } });
    const { run, job } = await finished(await dispatch({ sha: other }));
    expect(run.conclusion).toBe("failure");
    expect(job.log).toMatch(/refusing to start the agent/);
    expect(await branchLog()).toEqual([]);
  });

  it("fails with a message naming a bad input", async () => {
    await setUp({ sleepMs: 10 });
    const { run, job } = await finished(await dispatch({ sha: "abc123" }));
    expect(run.conclusion).toBe("failure");
    expect(job.log).toContain("input `sha` must be a full commit SHA");
    expect(await branchLog()).toEqual([]);
  });

  it("obeys a pause reply: finishes the task in flight, checkpoints, ends paused", async () => {
    await setUp({ sleepMs: 600 });
    const runId = await dispatch();
    await waitUntil(() => app.beats.some((b) => b.status.currentTask === 1), "task 1 to start");
    app.answer("M1", "pause");
    const { run, job } = await finished(runId);
    expect(run.conclusion).toBe("success");
    expect(job.outputs.state).toBe("paused");
    expect(await branchLog()).toEqual(["1/3"]);
  });

  it("obeys a stop reply: stops the task in flight and pushes what exists as a partial checkpoint", async () => {
    await setUp({ sleepMs: 100, slowTask: 2, slowMs: 20_000 });
    const runId = await dispatch();
    await waitUntil(() => existsSync(join(gh.actions.run(runId).jobs[0]!.workspace, "task-2.txt")), "task 2 to write its file");
    app.answer("M1", "stop");
    const { job } = await finished(runId);
    expect(job.outputs.state).toBe("stopped");
    expect(await branchLog()).toEqual(["2/3 partial", "1/3"]);
    expect(await repo.readFile("weave/M1", "task-2.txt")).toBe("two\n");
  });

  it("a cancel mid-task ends with a checkpoint and a final report", async () => {
    await setUp({ sleepMs: 100, slowTask: 2, slowMs: 20_000 });
    const runId = await dispatch();
    await waitUntil(() => existsSync(join(gh.actions.run(runId).jobs[0]!.workspace, "task-2.txt")), "task 2 to write its file");
    await octokit.actions.cancelWorkflowRun({ owner: "acme", repo: "widgets", run_id: runId });
    const { run } = await finished(runId);
    expect(run.conclusion).toBe("cancelled");
    expect(await branchLog()).toEqual(["2/3 partial", "1/3"]);
    expect(app.beats.at(-1)!.status.state).toBe("stopped");
  });

  it("mode: resolve merges the target, lets the agent resolve the conflict, pushes a two-parent merge and reports finished", async () => {
    await setUp({ sleepMs: 10 });
    const mine = await repo.commit({ branch: "weave/M1", files: { "shared.txt": "from M1\n" } });
    const theirs = await repo.commit({ branch: "main", files: { "shared.txt": "from main\n" } });
    const { run, job } = await finished(await dispatch({ mode: "resolve" }));
    expect(job.log).not.toContain("::error::");
    expect(run.conclusion).toBe("success");
    const head = (await repo.head("weave/M1"))!;
    expect(job.outputs).toMatchObject({ state: "finished", "head-sha": head, "tasks-done": "0" });
    expect((await repo.git.ok(["rev-parse", `${head}^@`])).trim().split("\n")).toEqual([mine, theirs]);
    expect(await repo.git.ok(["log", "-1", "--format=%s%n%(trailers:only,unfold)", head])).toBe("weave: resolve conflicts of M1 with main\nWeave-Milestone: M1\nWeave-Resolve: main\nWeave-Cost-USD: 0.5000\n\n");
    expect(await repo.readFile("weave/M1", "shared.txt")).toBe("from M1\nfrom main\n");
    expect(job.summary).toContain("resolve conflicts with main");
    expect(app.rejected).toEqual([]);
    expect(app.beats.at(-1)!.status).toMatchObject({ state: "finished", headSha: head });
  });

  it("keeps working when the App cannot be reached", async () => {
    await setUp({ sleepMs: 50 });
    const { run, job } = await finished(await dispatch({ app_url: "http://127.0.0.1:9" }));
    expect(run.conclusion).toBe("success");
    expect(job.outputs.state).toBe("finished");
    expect(job.log).toContain("cannot reach the App");
    expect(await branchLog()).toEqual(["3/3", "2/3", "1/3"]);
  });
});
