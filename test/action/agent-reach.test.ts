// What a worker job's agent can reach: a hostile agent, run by the real bundled Action as a job in the stand-in,
// tries to mint an OIDC token, find the push token (environment, .git/config, weave's file commands) and push with
// git itself. It finds nothing and its pushes fail, while the Action's own fetches (of a private repository) and
// checkpoint pushes work with the `token` input.
import { existsSync, readFileSync } from "node:fs";
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
  - { id: M1, title: Hostile, tasks: [one, two] }
`;

/** Each task: try everything, write what it found to $RUNNER_TEMP/findings-<n>.json, and a file so there is work. */
const HOSTILE = `import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
const n = process.env.WEAVE_TASK_INDEX;
const found = { env: { ...process.env } };
const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL, bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
if (url && bearer) {
  const r = await fetch(url + "&audience=weave", { headers: { authorization: "Bearer " + bearer } }).catch((e) => ({ status: String(e) }));
  found.minted = r.status;
}
found.gitConfig = readFileSync(".git/config", "utf8");
const git = (...args) => { try { execFileSync("git", args, { stdio: "pipe", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }); return 0; } catch (e) { return e.status ?? -1; } };
found.pushBranch = git("push", "-q", "origin", "HEAD:refs/heads/stolen");
found.pushLedger = git("push", "-q", "origin", "HEAD:refs/weave/state");
found.fetch = git("fetch", "-q", "origin", "main");
writeFileSync(process.env.RUNNER_TEMP + "/findings-" + n + ".json", JSON.stringify(found));
writeFileSync("task-" + n + ".txt", process.env.WEAVE_TASK + "\\n");
`;

/** Appends to the step's saved state (found by listing the runner's file-command folder), then waits to be killed. */
const STATE_WRITER = `import { appendFileSync, readdirSync, readFileSync } from "node:fs";
const { evil } = JSON.parse(readFileSync("agent.json", "utf8"));
const dir = process.env.RUNNER_TEMP + "/_runner_file_commands";
for (const f of readdirSync(dir)) if (f.startsWith("save_state")) appendFileSync(dir + "/" + f, "app-url=" + evil + "\\ndispatch-id=forged\\n");
await new Promise((r) => setTimeout(r, 4000));
`;

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

async function dispatchWith(agent: string, options: { private?: boolean; agentConfig?: Record<string, string> } = {}) {
  repo = await gh.repos.create({
    owner: "acme", name: "widgets", private: options.private ?? false,
    files: { ".github/weave.yml": PLAN, ".github/workflows/weave-worker.yml": renderWorkerWorkflow({ actionRef: "./action" }), "agent.mjs": agent, "agent.json": JSON.stringify(options.agentConfig ?? {}) },
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

describe("a worker job's agent", () => {
  it("finds no OIDC request variables, no token and no credential in .git/config; its pushes fail; checkpoints land", async () => {
    const run = await dispatchWith(HOSTILE, { private: true });
    await run.done;
    const job = run.jobs[0]!;
    expect(job.log).not.toContain("::error::");
    expect(run.conclusion).toBe("success");

    // The Action's own git calls carried the token: it fetched the private default branch and pushed both checkpoints.
    expect((await repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", "weave/M1", "^main"])).split("\n").filter(Boolean)).toEqual(["2/2", "1/2"]);
    expect(app.beats.at(-1)!.status).toMatchObject({ state: "finished", tasksDone: 2 });

    const secrets = [job.env.INPUT_TOKEN, job.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, job.env.ACTIONS_RUNTIME_TOKEN].filter(Boolean) as string[];
    expect(secrets).toHaveLength(3);
    for (const n of [1, 2]) {
      const found = JSON.parse(await readFile(join(job.workspace, "..", "_temp", `findings-${n}.json`), "utf8")) as { env: Record<string, string>; minted?: number; gitConfig: string; pushBranch: number; pushLedger: number; fetch: number };
      const names = Object.keys(found.env);
      for (const name of ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_RUNTIME_URL", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_CACHE_URL", "INPUT_TOKEN", "GITHUB_STATE", "GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH"]) expect(names).not.toContain(name);
      expect(names.filter((k) => k.startsWith("INPUT_"))).toEqual([]);
      for (const secret of secrets) for (const [k, v] of Object.entries(found.env)) expect(v.includes(secret), k).toBe(false);
      expect(found.minted).toBeUndefined();
      expect(found.gitConfig).not.toMatch(/extraheader|authorization/i);
      for (const secret of secrets) expect(found.gitConfig).not.toContain(secret);
      expect(found.pushBranch).not.toBe(0);
      expect(found.pushLedger).not.toBe(0);
      expect(found.fetch).not.toBe(0);
      // What a task needs is still there.
      expect(found.env).toMatchObject({ WEAVE_MILESTONE: "M1", GITHUB_REPOSITORY: "acme/widgets", RUNNER_TEMP: expect.any(String) });
    }
    // After the job: nothing in the checkout's config, nothing pushed by the agent.
    expect(await readFile(join(job.workspace, ".git/config"), "utf8")).not.toMatch(/extraheader|authorization/i);
    expect(await repo.head("stolen")).toBeUndefined();
    expect(job.log).toContain("the agent's environment leaves out");
    // The runner masks what `::add-mask::` names; nothing else in the log holds a secret.
    const unmasked = job.log.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n");
    for (const secret of secrets) expect(unmasked).not.toContain(secret);
  });

  it("cannot redirect the post step's report by appending to the step's saved state", async () => {
    const evil = await startHeartbeatServer(gh.oidcIssuer);
    try {
      const run = await dispatchWith(STATE_WRITER, { agentConfig: { evil: evil.url } });
      await waitUntil(() => run.jobs[0]!.workspace !== "" && app.beats.some((b) => b.status.currentTask === 1), "task 1 to start");
      const stateFile = join(run.jobs[0]!.workspace, "..", "_temp", "_runner_file_commands", "save_state");
      await waitUntil(() => existsSync(stateFile) && readFileSync(stateFile, "utf8").includes(evil.url), "the agent to write the state");
      run.jobs[0]!.process!.kill("SIGKILL");
      await run.done;
      expect(evil.beats).toEqual([]);
      expect(app.beats.at(-1)!.status.state).toBe("died");
      expect(app.beats.at(-1)!.dispatchId).toBe("d-1");
    } finally {
      await evil.close();
    }
  });
});
