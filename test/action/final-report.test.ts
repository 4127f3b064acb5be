// The end of a worker job as the App hears it, with the real bundled Action as a job in the stand-in: a final report
// the App missed is resent by the post step until acknowledged; a main step that dies (SIGKILL, as the OOM killer
// sends) is reported `died`, never `stopped`; reports carry weave's reason and no agent output; the summary names
// weave's version.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
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

/** Steered by agent.json: { sleepMs, slowTask, slowMs, failTask }; a failing task prints a key-shaped line first. */
const AGENT = `import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const cfg = JSON.parse(readFileSync("agent.json", "utf8"));
const n = Number(process.env.WEAVE_TASK_INDEX);
writeFileSync("task-" + n + ".txt", process.env.WEAVE_TASK + "\\n");
if (n === cfg.failTask) {
  console.log("sk-ant-api03-NOT-A-REAL-KEY-0123456789 @everyone <img src=x>");
  process.exit(1);
}
await new Promise((r) => setTimeout(r, n === cfg.slowTask ? cfg.slowMs : cfg.sleepMs));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.25 }) + "\\n");
`;

let gh: GitHubStandIn;
let repo: RepoHandle;
let app: HeartbeatServer;

beforeEach(async () => {
  gh = await createGitHubStandIn({ timeScale: 0.2 });
  app = await startHeartbeatServer(gh.oidcIssuer);
});
afterEach(async () => {
  await gh.close();
  await app.close();
});

async function start(agentConfig: Record<string, number>) {
  repo = await gh.repos.create({
    owner: "acme", name: "widgets",
    files: { ".github/weave.yml": PLAN, ".github/workflows/weave-worker.yml": renderWorkerWorkflow({ actionRef: "./action" }), "agent.mjs": AGENT, "agent.json": JSON.stringify(agentConfig) },
  });
  await repo.createBranch("weave/M1");
  const installation = gh.apps.create({ slug: "weave", events: [] }).install("acme");
  const octokit = new Octokit({ baseUrl: gh.url, auth: installation.token(), request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
  const { data } = await octokit.actions.createWorkflowDispatch({
    owner: "acme", repo: "widgets", workflow_id: "weave-worker.yml", ref: "main", return_run_details: true,
    inputs: { milestone: "M1", dispatch_id: "d-1", sha: (await repo.head("weave/M1"))!, app_url: app.url },
  });
  return gh.actions.run((data as { workflow_run_id: number }).workflow_run_id);
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function checkpoints(): Promise<string[]> {
  return (await repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", "weave/M1", "^main"])).split("\n").filter(Boolean);
}

describe("the end of a worker job", () => {
  it("resends the final report from the post step until the App, down when the job finished, acknowledges it", async () => {
    const run = await start({ sleepMs: 300 });
    await waitUntil(() => app.beats.some((b) => b.status.currentTask === 3), "task 3 to start");
    app.down(true);
    // The main step gave up on its final report (three tries) and ended; the App comes back while the post step runs.
    await waitUntil(() => run.jobs[0]!.steps.some((s) => s.name.startsWith("Run ./action")), "the main step to end");
    expect(app.dropped).toBeGreaterThanOrEqual(3);
    app.down(false);
    await run.done;
    expect(run.conclusion).toBe("success");
    expect(app.beats.at(-1)!.status).toMatchObject({ state: "finished", tasksDone: 3, tasks: 3, costUsd: 0.75 });
    expect(run.jobs[0]!.log).toContain("final report for M1 sent (finished)");
    expect(await checkpoints()).toEqual(["3/3", "2/3", "1/3"]);
  });

  it("reports a main step killed mid-task (SIGKILL) as died, with its progress, never as stopped", async () => {
    const run = await start({ sleepMs: 100, slowTask: 2, slowMs: 4000 });
    const job = run.jobs[0]!;
    await waitUntil(() => job.workspace !== "" && existsSync(join(job.workspace, "task-2.txt")) && app.beats.some((b) => b.status.currentTask === 2), "task 2 to run");
    job.process!.kill("SIGKILL");
    await run.done;
    expect(run.conclusion).toBe("failure");
    const last = app.beats.at(-1)!.status;
    expect(last).toMatchObject({ state: "died", tasksDone: 1, tasks: 3, milestone: "M1" });
    expect(last.error).toMatch(/main step ended without a final report/);
    expect(last.currentTask).toBeUndefined();
    expect(app.beats.map((b) => b.status.state)).not.toContain("stopped");
    expect(await checkpoints()).toEqual(["1/3"]);
  });

  it("a failing task's report carries weave's reason and no agent output; the tail and weave's version are in the job summary", async () => {
    const run = await start({ sleepMs: 50, failTask: 2 });
    await run.done;
    const job = run.jobs[0]!;
    expect(run.conclusion).toBe("failure");
    const last = app.beats.at(-1)!.status;
    expect(last.state).toBe("failed");
    expect(last.error).toMatch(/^task 2\/3 failed.*exit 1$/);
    for (const beat of app.beats) {
      expect(beat.status).not.toHaveProperty("lastOutput");
      expect(JSON.stringify(beat.status)).not.toMatch(/sk-ant-|@everyone|<img/);
    }
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, "../../package.json"), "utf8")) as { version: string };
    expect(job.summary).toContain(`| weave | ${version} |`);
    expect(job.summary).toContain("sk-ant-api03-NOT-A-REAL-KEY");
    expect(job.log).toContain("sk-ant-api03-NOT-A-REAL-KEY");
  });
});
