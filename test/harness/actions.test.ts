// A dispatched run executes a real node entry in a fresh clone with a GitHub-hosted runner's environment,
// emits workflow_run/workflow_job events, honours concurrency, and cancels with SIGINT → SIGTERM → SIGKILL.
import { Octokit } from "@octokit/rest";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { RepoHandle } from "./seeding.js";
import { startWebhookReceiver } from "./webhook-receiver.js";
import type { WebhookReceiver } from "./webhook-receiver.js";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const WORKFLOW = `name: weave worker
on:
  workflow_dispatch:
    inputs:
      milestone: { required: true, type: string }
      mode: { required: false, default: push, type: choice, options: [push, wait, stubborn, fail] }
concurrency:
  group: weave-\${{ inputs.milestone }}
  cancel-in-progress: false
permissions:
  contents: write
  id-token: write
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./action
        with:
          milestone: \${{ inputs.milestone }}
          mode: \${{ inputs.mode }}
          github-token: \${{ secrets.GITHUB_TOKEN }}
        env:
          WEAVE_MILESTONE: \${{ inputs.milestone }}
`;

// GitHub's documented default variables for a job step, plus what a node action step gets.
const GITHUB_HOSTED_RUNNER_VARIABLES = [
  "CI", "GITHUB_ACTION", "GITHUB_ACTION_PATH", "GITHUB_ACTION_REPOSITORY", "GITHUB_ACTIONS", "GITHUB_ACTOR", "GITHUB_ACTOR_ID", "GITHUB_API_URL", "GITHUB_BASE_REF", "GITHUB_ENV",
  "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_GRAPHQL_URL", "GITHUB_HEAD_REF", "GITHUB_JOB", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_REF", "GITHUB_REF_NAME",
  "GITHUB_REF_PROTECTED", "GITHUB_REF_TYPE", "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_ID", "GITHUB_REPOSITORY_OWNER", "GITHUB_REPOSITORY_OWNER_ID", "GITHUB_RETENTION_DAYS",
  "GITHUB_RUN_ATTEMPT", "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_SERVER_URL", "GITHUB_SHA", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "GITHUB_TRIGGERING_ACTOR",
  "GITHUB_WORKFLOW", "GITHUB_WORKFLOW_REF", "GITHUB_WORKFLOW_SHA", "GITHUB_WORKSPACE", "RUNNER_ARCH", "RUNNER_ENVIRONMENT", "RUNNER_NAME", "RUNNER_OS", "RUNNER_TEMP",
  "RUNNER_TOOL_CACHE", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_RUNTIME_URL", "HOME",
];

let gh: GitHubStandIn;
let repo: RepoHandle;
let receiver: WebhookReceiver;
let octokit: Octokit;

beforeEach(async () => {
  gh = await createGitHubStandIn({ action: { main: fixture("job-main.mjs"), post: fixture("job-post.mjs"), inputDefaults: { "github-token": "", token: "${{ github.token }}" } }, timeScale: 0.02 });
  receiver = await startWebhookReceiver("s3cret");
  repo = await gh.repos.create({ owner: "acme", name: "widgets", files: { ".github/workflows/weave.yml": WORKFLOW, "README.md": "hi\n" } });
  await repo.createBranch("weave/M1");
  const app = gh.apps.create({ slug: "weave", webhookUrl: receiver.url, webhookSecret: "s3cret", events: ["workflow_run", "workflow_job", "push"] });
  octokit = new Octokit({ baseUrl: gh.url, auth: app.install("acme").token(), request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
});
afterEach(async () => {
  await gh.close();
  await receiver.close();
});

async function dispatch(inputs: Record<string, string>, ref = "weave/M1"): Promise<number> {
  const { data } = await octokit.actions.createWorkflowDispatch({ owner: "acme", repo: "widgets", workflow_id: "weave.yml", ref, inputs, return_run_details: true });
  return (data as { workflow_run_id: number }).workflow_run_id;
}

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("a dispatched run", () => {
  it("runs the entry in a fresh clone with the runner's environment, pushes, gets an OIDC token, and reports", async () => {
    const runId = await dispatch({ milestone: "M1" });
    await gh.settled();
    const run = gh.actions.run(runId);
    const job = run.jobs[0];
    expect([run.conclusion, job?.conclusion], job?.log).toEqual(["success", "success"]);
    const env = JSON.parse(job?.outputs.env ?? "{}") as Record<string, string>;
    expect(GITHUB_HOSTED_RUNNER_VARIABLES.filter((name) => env[name] === undefined)).toEqual([]);
    expect(env).toMatchObject({ GITHUB_REPOSITORY: "acme/widgets", GITHUB_REF: "refs/heads/weave/M1", GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_RUN_ID: String(runId), INPUT_MILESTONE: "M1", INPUT_MODE: "push", WEAVE_MILESTONE: "M1", CI: "true" });
    expect(env["INPUT_GITHUB-TOKEN"]).toMatch(/^ghs_/);
    expect(await repo.head("weave/M1")).toBe(job?.outputs.pushed);
    expect(job?.summary).toBe("## pushed\npost ran with state yes\n");

    const jwks = createRemoteJWKSet(new URL(`${gh.oidcIssuer}/.well-known/jwks`));
    const { payload } = await jwtVerify(job?.outputs.oidc ?? "", jwks, { issuer: gh.oidcIssuer, audience: "weave-app" });
    expect(payload).toMatchObject({ repository: "acme/widgets", repository_id: String(repo.record.id), run_id: String(runId), run_attempt: "1", event_name: "workflow_dispatch", workflow_ref: "acme/widgets/.github/workflows/weave.yml@refs/heads/weave/M1", sub: "repo:acme/widgets:ref:refs/heads/weave/M1" });

    const seen = receiver.received.map((r) => `${r.name}.${r.action ?? ""}`);
    expect(seen.filter((s) => s.startsWith("workflow_run"))).toEqual(["workflow_run.requested", "workflow_run.in_progress", "workflow_run.completed"]);
    expect(seen.filter((s) => s.startsWith("workflow_job"))).toEqual(["workflow_job.queued", "workflow_job.in_progress", "workflow_job.completed"]);
    expect(receiver.received.find((r) => r.name === "push")?.payload).toMatchObject({ ref: "refs/heads/weave/M1", sender: { login: "github-actions[bot]" } });
    const { data: jobs } = await octokit.actions.listJobsForWorkflowRun({ owner: "acme", repo: "widgets", run_id: runId });
    expect(jobs.jobs.map((j) => [j.name, j.conclusion])).toEqual([["work", "success"]]);
    const { data: runs } = await octokit.actions.listWorkflowRunsForRepo({ owner: "acme", repo: "widgets", status: "success" });
    expect(runs.workflow_runs.map((r) => r.id)).toEqual([runId]);
  });

  it("checks inputs and the trigger like GitHub", async () => {
    const fail = async (inputs: Record<string, string>, workflow = "weave.yml"): Promise<number> => {
      try { await octokit.actions.createWorkflowDispatch({ owner: "acme", repo: "widgets", workflow_id: workflow, ref: "main", inputs }); return 204; } catch (error) { return (error as { status: number }).status; }
    };
    expect(await fail({ milestone: "M1", colour: "red" })).toBe(422);
    expect(await fail({})).toBe(422);
    expect(await fail({ milestone: "M1", mode: "dance" })).toBe(422);
    expect(await fail({ milestone: "M1" }, "missing.yml")).toBe(404);
    await repo.commit({ branch: "main", files: { ".github/workflows/push.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []\n" } });
    expect(await fail({}, "push.yml")).toBe(422);
    expect(await fail({ milestone: "x".repeat(65_536) })).toBe(422);
  });

  it("reports failure when the entry exits non-zero", async () => {
    const runId = await dispatch({ milestone: "M1", mode: "fail" });
    await gh.settled();
    expect(gh.actions.run(runId).conclusion).toBe("failure");
    await receiver.waitFor((r) => r.name === "workflow_run" && r.action === "completed");
    expect(receiver.received.find((r) => r.name === "workflow_run" && r.action === "completed")?.payload).toMatchObject({ workflow_run: { conclusion: "failure" } });
  });
});

describe("weave's own worker workflow", () => {
  it("runs as `weave init` writes it: dispatched on main, checking out weave/<milestone>, inputs through with:", async () => {
    await repo.commit({ branch: "main", files: { ".github/workflows/weave.yml": renderWorkerWorkflow({ actionRef: "./action" }) } });
    const sha = (await repo.head("weave/M1")) ?? "";
    const { data } = await octokit.actions.createWorkflowDispatch({ owner: "acme", repo: "widgets", workflow_id: "weave.yml", ref: "main", return_run_details: true,
      inputs: { milestone: "M1", dispatch_id: "d-1", sha, app_url: "http://127.0.0.1:9/weave" } });
    const runId = (data as { workflow_run_id: number }).workflow_run_id;
    await gh.settled();
    const run = gh.actions.run(runId);
    expect(run.conclusion, run.jobs[0]?.log).toBe("success");
    const env = JSON.parse(run.jobs[0]?.outputs.env ?? "{}") as Record<string, string>;
    expect(env).toMatchObject({ INPUT_MILESTONE: "M1", "INPUT_DISPATCH-ID": "d-1", INPUT_SHA: sha, GITHUB_REF: "refs/heads/main" });
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeDefined();
    expect(await repo.head("weave/M1")).toBe(run.jobs[0]?.outputs.pushed);
    const { data: shown } = await octokit.actions.getWorkflowRun({ owner: "acme", repo: "widgets", run_id: runId });
    expect(shown.display_title).toBe("weave M1 (d-1)");
  });
});

describe("cancellation and concurrency", () => {
  it("cancels with SIGINT, then SIGTERM 7.5 s and SIGKILL 10 s later (scaled), and still runs post", async () => {
    const runId = await dispatch({ milestone: "M1", mode: "stubborn" });
    await waitUntil(() => gh.actions.run(runId).jobs[0]?.log.includes("waiting") === true);
    const started = Date.now();
    await octokit.actions.cancelWorkflowRun({ owner: "acme", repo: "widgets", run_id: runId });
    await gh.settled();
    const run = gh.actions.run(runId);
    const log = run.jobs[0]?.log ?? "";
    const at = (signal: string): number => Number(new RegExp(`got ${signal} at (\\d+)`).exec(log)?.[1] ?? 0) - started;
    expect(run.conclusion).toBe("cancelled");
    expect(at("SIGINT")).toBeGreaterThanOrEqual(0);
    expect(at("SIGINT")).toBeLessThan(2000);
    // SIGTERM is sent 150 ms (7.5 s scaled) after SIGINT, which is sent after the cancel began. The child's receipt
    // of each may lag its sending on a busy machine (so the gap it sees can shrink), but never come before it.
    expect(at("SIGTERM")).toBeGreaterThan(at("SIGINT"));
    expect(at("SIGTERM")).toBeGreaterThanOrEqual(149);
    expect(log).not.toContain("got SIGKILL");
    expect(run.jobs[0]?.steps.find((s) => s.name === "Run ./action")?.conclusion).toBe("failure");
    expect(run.jobs[0]?.summary).toContain("post ran with state yes");
    expect(receiver.received.find((r) => r.name === "workflow_job" && r.action === "completed")?.payload).toMatchObject({ workflow_job: { conclusion: "cancelled" } });
    const status = await octokit.actions.cancelWorkflowRun({ owner: "acme", repo: "widgets", run_id: runId }).then(() => 202, (e: { status: number }) => e.status);
    expect(status).toBe(409);
  });

  it("keeps one pending run per concurrency group and cancels the older pending one", async () => {
    const first = await dispatch({ milestone: "M1", mode: "wait" });
    await waitUntil(() => gh.actions.run(first).status === "in_progress");
    const second = await dispatch({ milestone: "M1" });
    const third = await dispatch({ milestone: "M1" });
    expect([gh.actions.run(second).status, gh.actions.run(third).status]).toEqual(["completed", "pending"]);
    expect(gh.actions.run(second).conclusion).toBe("cancelled");
    await octokit.actions.forceCancelWorkflowRun({ owner: "acme", repo: "widgets", run_id: first });
    await gh.settled();
    expect(gh.actions.run(first).conclusion).toBe("cancelled");
    expect(gh.actions.run(first).jobs[0]?.summary).not.toContain("post ran");
    expect(gh.actions.run(third).conclusion).toBe("success");
  });

  it("reports failure when the runner is lost mid-job", async () => {
    const runId = await dispatch({ milestone: "M2", mode: "wait" });
    await waitUntil(() => gh.actions.run(runId).jobs[0]?.log.includes("waiting") === true);
    gh.actions.loseRunner(runId);
    await gh.settled();
    expect(gh.actions.run(runId).conclusion).toBe("failure");
  });
});
