// Workflows started by events: a repository's CI workflow runs its `run:` steps with sh on the pull request's merge ref
// and reports a check run named after the job (github-actions App), which auto-merge then waits for; events caused
// by a GITHUB_TOKEN start nothing; concurrency keeps one pending run (or all with `queue: max`); and GitHub's
// eventual-consistency quirks (run-list lag, GHES's 204 dispatch answer, a new ref reading 404) as options.
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn, StandInOptions } from "./stand-in.js";
import type { InstallationHandle, RepoHandle } from "./seeding.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let installation: InstallationHandle;
let octokit: Octokit;

const client = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
const o = { owner: "acme", repo: "widgets" };

const CI = `name: CI
on:
  pull_request:
  push:
    branches: [main]
jobs:
  test:
    name: ci
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "$GITHUB_EVENT_NAME $GITHUB_REF" >> "$RUNNER_TEMP/../seen"; test ! -f broken.txt
`;

async function start(files: Record<string, string>, options: StandInOptions = {}): Promise<void> {
  gh = await createGitHubStandIn({ timeScale: 0.02, ...options });
  repo = await gh.repos.create({ owner: "acme", name: "widgets", allowAutoMerge: true, files });
  installation = gh.apps.create({ slug: "weave" }).install("acme");
  octokit = client(installation.token());
}
afterEach(async () => { await gh.close(); });

describe("workflows started by events", () => {
  it("runs the CI workflow on a pull request's merge ref and reports check run 'ci', which auto-merge waits for; a GITHUB_TOKEN push starts nothing", async () => {
    await start({ ".github/workflows/ci.yml": CI, "README.md": "hi\n" });
    await repo.setBranchRules("main", [{ type: "required_status_checks", parameters: { required_status_checks: [{ context: "ci" }], strict_required_status_checks_policy: false } }]);
    await repo.createBranch("topic");
    const broken = await repo.commit({ branch: "topic", files: { "broken.txt": "x\n" } });
    const { data: pull } = await octokit.pulls.create({ ...o, head: "topic", base: "main", title: "Topic" });
    await gh.settled();
    const runs = [...gh.runner.runs.values()];
    expect(runs.map((r) => [r.event, r.headSha, r.conclusion])).toEqual([["pull_request", broken, "failure"]]);
    expect(runs[0]?.trigger?.ref).toBe(`refs/pull/${pull.number}/merge`);
    const checks = (await octokit.checks.listForRef({ ...o, ref: broken })).data.check_runs;
    expect(checks.map((c) => [c.name, c.status, c.conclusion, c.app?.slug])).toEqual([["ci", "completed", "failure", "github-actions"]]);
    expect(gh.takeViolations()).toEqual([]);

    await octokit.graphql(`mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: MERGE }) { pullRequest { number } } }`, { id: pull.node_id });
    await repo.commit({ branch: "topic", files: { "broken.txt": null }, author: "github-actions[bot]" }); // as a job's GITHUB_TOKEN push: no workflow
    await gh.settled();
    expect(gh.runner.runs.size).toBe(1);
    expect((await octokit.pulls.get({ ...o, pull_number: pull.number })).data.merged).toBe(false); // "ci" is expected on the new head, forever

    const fixed = await repo.commit({ branch: "topic", files: { "topic.txt": "ok\n" } }); // a person's push runs CI, which lets auto-merge land it
    await gh.settled();
    const latest = [...gh.runner.runs.values()].filter((r) => r.headSha === fixed);
    expect(latest.map((r) => [r.event, r.conclusion])).toEqual([["pull_request", "success"]]);
    const { data: merged } = await octokit.pulls.get({ ...o, pull_number: pull.number });
    expect(merged.merged).toBe(true);
    await gh.settled(); // the merge's push to main runs the push workflow from the merged commit
    expect([...gh.runner.runs.values()].filter((r) => r.event === "push").map((r) => [r.headSha, r.conclusion])).toEqual([[merged.merge_commit_sha, "success"]]);
  });

  it("keeps one pending run per concurrency group (older pending cancelled), or all of them in order with queue: max", async () => {
    const workflow = (queue: string): string => `on: push\nconcurrency: { group: ci, ${queue} }\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 0.3\n`;
    await start({ ".github/workflows/one.yml": workflow("cancel-in-progress: false"), ".github/workflows/all.yml": workflow("queue: max").replace("group: ci", "group: all") });
    for (const n of [1, 2, 3]) await repo.commit({ branch: "main", files: { "n.txt": `${n}\n` } });
    await gh.settled();
    const conclusions = (path: string): (string | null)[] => [...gh.runner.runs.values()].filter((r) => r.workflowPath === path).sort((a, b) => a.id - b.id).map((r) => r.conclusion);
    expect(conclusions(".github/workflows/one.yml")).toEqual(["success", "cancelled", "success"]);
    expect(conclusions(".github/workflows/all.yml")).toEqual(["success", "success", "success"]);
    const all = [...gh.runner.runs.values()].filter((r) => r.workflowPath === ".github/workflows/all.yml").sort((a, b) => a.id - b.id);
    expect(all.map((r) => r.startedAt?.getTime() ?? 0)).toEqual([...all.map((r) => r.startedAt?.getTime() ?? 0)].sort((a, b) => a - b));
  });
});

describe("eventual consistency, as options", () => {
  it("lists a run only after the lag, answers a dispatch 204 (GHES) even with return_run_details, and reads a new ref 404 for a moment", async () => {
    const dispatchable = "on:\n  workflow_dispatch:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n";
    await start({ ".github/workflows/go.yml": dispatchable }, { quirks: { runListLagMs: 60_000, dispatchRunDetails: false, refReadLagMs: 60_000 } });
    const answer = await octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", { ...o, workflow_id: "go.yml", ref: "main", return_run_details: true });
    expect(answer.status).toBe(204);
    expect((await octokit.actions.listWorkflowRunsForRepo(o)).data.total_count).toBe(0);
    const [run] = [...gh.runner.runs.values()];
    expect((await octokit.actions.getWorkflowRun({ ...o, run_id: run?.id ?? 0 })).data.id).toBe(run?.id);
    const main = (await repo.head("main")) ?? "";
    await octokit.git.createRef({ ...o, ref: "refs/heads/fresh", sha: main });
    await expect(octokit.git.getRef({ ...o, ref: "heads/fresh" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.repos.getBranch({ ...o, branch: "fresh" })).rejects.toMatchObject({ status: 404 });
    await gh.settled();
  });
});
