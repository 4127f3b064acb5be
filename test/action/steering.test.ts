// Steering and the live budget on GitHub, through the real bundled Action running as a job in the stand-in, with a
// stand-in App that answers heartbeats: `/weave tell` notes arrive in heartbeat replies, go to the agent with its
// next task ($WEAVE_NOTES), are recorded in that task's checkpoint, acknowledged, and never given twice; the reply's
// remaining budget stops a claude agent (a fake replaying real stream-json usage lines) mid-task.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import type { RepoHandle } from "../harness/seeding.js";
import { SAMPLES_DIR } from "../worker/agent-samples.js";
import { startHeartbeatServer } from "./heartbeat-server.js";
import type { HeartbeatServer } from "./heartbeat-server.js";

/** Writes what it was told per task to notes-<n>.txt; task 1 sleeps long enough for a note to arrive. */
const NOTES_AGENT = `import { appendFileSync, writeFileSync } from "node:fs";
const n = Number(process.env.WEAVE_TASK_INDEX);
writeFileSync("notes-" + n + ".txt", (process.env.WEAVE_NOTES ?? "(none)") + "\\n");
await new Promise((r) => setTimeout(r, n === 1 ? 1500 : 300));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.01 }) + "\\n");
`;

/** Replays a real claude stream-json run's lines 300 ms apart, leaves out its result line, then hangs. */
const STREAMING_CLAUDE = `import { readFileSync, writeFileSync } from "node:fs";
writeFileSync("left.txt", String(process.env.WEAVE_BUDGET_LEFT_USD) + "\\n");
for (const line of readFileSync("stream.jsonl", "utf8").split("\\n").filter(Boolean)) {
  if (line.startsWith('{"type":"result"')) continue;
  process.stdout.write(line + "\\n");
  await new Promise((r) => setTimeout(r, 300));
}
setInterval(() => {}, 1000);
`;

let gh: GitHubStandIn;
let repo: RepoHandle;
let octokit: Octokit;
let app: HeartbeatServer;

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

async function setUp(plan: string, files: Record<string, string>): Promise<void> {
  repo = await gh.repos.create({ owner: "acme", name: "widgets", files: { ".github/weave.yml": plan, ".github/workflows/weave-worker.yml": renderWorkerWorkflow({ actionRef: "./action" }), ...files } });
  await repo.createBranch("weave/M1");
}

async function run(): Promise<{ conclusion: string | null; outputs: Record<string, string>; summary: string; workspace: string }> {
  const sha = (await repo.head("weave/M1"))!;
  const { data } = await octokit.actions.createWorkflowDispatch({
    owner: "acme", repo: "widgets", workflow_id: "weave-worker.yml", ref: "main", return_run_details: true,
    inputs: { milestone: "M1", dispatch_id: "d-1", sha, app_url: app.url },
  });
  const r = gh.actions.run((data as { workflow_run_id: number }).workflow_run_id);
  await r.done;
  const job = r.jobs[0]!;
  return { conclusion: r.conclusion, outputs: job.outputs, summary: job.summary, workspace: job.workspace };
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("steering a job on GitHub", () => {
  it("gives /weave tell notes from heartbeat replies to the next task once, records them in its checkpoint, acknowledges them", async () => {
    await setUp("version: 1\nretries: 0\nworker:\n  command: node agent.mjs\n  heartbeat_interval: 150ms\nmilestones:\n  - { id: M1, tasks: [one, two, three] }\n", { "agent.mjs": NOTES_AGENT });
    const job = run();
    await waitUntil(() => app.beats.some((b) => b.status.currentTask === 1), "task 1 to start");
    // A reply may be lost or repeated: the App sends a note until the job says it took it; this one sends it always.
    app.tell("M1", [{ id: "n1", text: "use the v2 client" }, { id: "n2", text: "no   mocks" }], true);
    const { conclusion, outputs } = await job;
    expect(conclusion).toBe("success");
    expect(outputs.state).toBe("finished");
    expect(await repo.readFile("weave/M1", "notes-1.txt")).toBe("(none)\n");
    expect(await repo.readFile("weave/M1", "notes-2.txt")).toBe("use the v2 client\nno mocks\n");
    expect(await repo.readFile("weave/M1", "notes-3.txt")).toBe("(none)\n");
    const message = await repo.git.ok(["log", "-1", "--format=%B", "weave/M1~1"]);
    expect(message).toContain("Notes given to the agent:\n> use the v2 client\n> no mocks");
    expect(message).toContain("Weave-Task: 2/3");
    expect(app.beats.at(-1)!.notesSeen).toEqual(["n1", "n2"]);
  });

  it("stops a streaming agent mid-task when the run's remaining budget in the replies is spent", async () => {
    await setUp(`version: 1
retries: 0
budget_ceiling: 100
worker:
  agent: claude
  command: node fake-claude.mjs
  prices: { claude-opus-4: { input: 5, output: 25 } }
  heartbeat_interval: 200ms
  task_timeout: 2m
milestones:
  - { id: M1, tasks: [one] }
`, { "fake-claude.mjs": STREAMING_CLAUDE, "stream.jsonl": readFileSync(join(SAMPLES_DIR, "claude-stream-json-error-max-turns.jsonl"), "utf8") });
    // The run (other milestones included) may spend $0.15 more than this job has reported: the plan's 100 is not it.
    app.budget(0.15);
    const { outputs, summary } = await run();
    expect(outputs.state).toBe("stopped");
    const cost = Number(outputs["cost-usd"]);
    // Each message costs $0.100025: stopped after the second, well before the sample's later messages.
    expect(cost).toBeGreaterThanOrEqual(0.15);
    expect(cost).toBeLessThan(0.31);
    expect(summary).toMatch(/budget/);
  });
});
