// Where milestones land, as GitHub enforces it: strict (up-to-date) required checks with `mergeable_state: behind`,
// update-branch with expected_head_sha, auto-merge held while behind, classic branch protection beside rulesets, and
// the `workflows` permission on git pushes, ref updates and pull request merges. Each test shows GitHub's answer.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { InstallationHandle, RepoHandle } from "./seeding.js";
import { mayWriteWorkflows } from "./workflow-permission.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let installation: InstallationHandle;
let octokit: Octokit;

const client = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
const o = { owner: "acme", repo: "widgets" };
const strictRule = { type: "required_status_checks", parameters: { required_status_checks: [{ context: "ci" }], strict_required_status_checks_policy: true } };
const basic = { metadata: "read", contents: "write", pull_requests: "write", issues: "write", checks: "write", actions: "write" } as const;
const ENABLE = `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: MERGE }) { pullRequest { number } } }`;

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try { await promise; return { status: 200, message: "" }; } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? "" };
  }
}

async function openPull(branch: string, files: Record<string, string> = { [`${branch}.txt`]: `${branch}\n` }): Promise<{ number: number; nodeId: string; head: string }> {
  await repo.createBranch(branch);
  const head = await repo.commit({ branch, files });
  const { data } = await octokit.pulls.create({ ...o, head: branch, base: "main", title: `Add ${branch}` });
  return { number: data.number, nodeId: data.node_id, head };
}

async function pullState(number: number): Promise<{ mergeable_state: string; merged: boolean; head: string }> {
  await octokit.pulls.get({ ...o, pull_number: number }); // the first look after a change starts the computation
  const { data } = await octokit.pulls.get({ ...o, pull_number: number });
  return { mergeable_state: data.mergeable_state, merged: data.merged, head: data.head.sha };
}

beforeEach(async () => {
  gh = await createGitHubStandIn();
  repo = await gh.repos.create({ owner: "acme", name: "widgets", allowAutoMerge: true });
  installation = gh.apps.create({ slug: "weave", permissions: { ...basic, administration: "write", workflows: "write" } }).install("acme");
  octokit = client(installation.token(basic)); // weave's usual token: no administration, no workflows
});
afterEach(async () => { await gh.close(); });

describe("strict required status checks (branch must be up to date)", () => {
  it("shows behind, refuses the merge (405 'expected'), holds auto-merge, and update-branch (422 on a stale expected_head_sha) brings it up to date", async () => {
    await repo.setBranchRules("main", [strictRule]);
    const pull = await openPull("topic");
    await gh.ci.report("acme/widgets", pull.head, "ci", "success");
    expect((await pullState(pull.number)).mergeable_state).toBe("clean");
    await repo.commit({ branch: "main", files: { "other.txt": "landed first\n" } }); // another milestone landed
    expect((await pullState(pull.number)).mergeable_state).toBe("behind");
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toEqual({ status: 405, message: 'Repository rule violations found\n\nRequired status check "ci" is expected.\n\n' });

    await octokit.graphql(ENABLE, { id: pull.nodeId }); // allowed while behind; GitHub does not update the branch itself
    await gh.settled();
    expect(await pullState(pull.number)).toMatchObject({ merged: false, head: pull.head, mergeable_state: "behind" });

    expect(await status(octokit.pulls.updateBranch({ ...o, pull_number: pull.number, expected_head_sha: "0".repeat(40) }))).toEqual({ status: 422, message: "expected head sha didn’t match current head ref." });
    const { status: accepted, data } = await octokit.pulls.updateBranch({ ...o, pull_number: pull.number, expected_head_sha: pull.head });
    expect({ accepted, message: data.message }).toEqual({ accepted: 202, message: "Updating pull request branch." });
    await gh.settled();
    const updated = (await repo.head("topic")) ?? "";
    const commit = await repo.git.readCommit(updated);
    expect({ parents: commit.parents, message: commit.message.trim() }).toEqual({ parents: [pull.head, await repo.head("main")], message: "Merge branch 'main' into topic" });
    expect(await status(octokit.pulls.updateBranch({ ...o, pull_number: pull.number }))).toEqual({ status: 422, message: "There are no new commits on the base branch." });

    expect(await pullState(pull.number)).toMatchObject({ merged: false, mergeable_state: "blocked" }); // the new head has no check yet
    await gh.ci.report("acme/widgets", updated, "ci", "success");
    await gh.settled();
    expect((await pullState(pull.number)).merged).toBe(true);
  });
});

describe("classic branch protection (/branches/{b}/protection)", () => {
  const body = {
    required_status_checks: { strict: true, contexts: ["ci"] }, enforce_admins: false,
    required_pull_request_reviews: { required_approving_review_count: 1 }, restrictions: null,
  };

  it("needs administration; is answered like GitHub; binds merges with GitHub's plain reasons and is not listed as a ruleset", async () => {
    expect(await status(octokit.repos.updateBranchProtection({ ...o, branch: "main", ...body }))).toEqual({ status: 403, message: "Resource not accessible by integration" });
    expect(await status(octokit.repos.getBranchProtection({ ...o, branch: "main" }))).toMatchObject({ status: 403 });
    const admin = client(installation.token({ metadata: "read", administration: "write", contents: "write", pull_requests: "write" }));
    expect(await status(admin.repos.getBranchProtection({ ...o, branch: "main" }))).toEqual({ status: 404, message: "Branch not protected" });
    expect(await status(admin.repos.getBranchProtection({ ...o, branch: "nowhere" }))).toEqual({ status: 404, message: "Branch not found" });
    await admin.repos.updateBranchProtection({ ...o, branch: "main", ...body });
    const { data } = await admin.repos.getBranchProtection({ ...o, branch: "main" });
    expect(data).toMatchObject({ required_status_checks: { strict: true, contexts: ["ci"], checks: [{ context: "ci", app_id: null }] }, required_pull_request_reviews: { required_approving_review_count: 1 }, allow_force_pushes: { enabled: false } });
    expect((await octokit.repos.getBranchRules({ ...o, branch: "main" })).data).toEqual([]);

    const pull = await openPull("topic");
    expect((await pullState(pull.number)).mergeable_state).toBe("blocked");
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toEqual({ status: 405, message: "At least 1 approving review is required by reviewers with write access." });
    repo.setPermission("alice", "write");
    await client(gh.users.token("alice")).pulls.createReview({ ...o, pull_number: pull.number, event: "APPROVE" });
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toEqual({ status: 405, message: 'Required status check "ci" is expected.' });
    await gh.ci.report("acme/widgets", pull.head, "ci", "success");
    await repo.commit({ branch: "main", files: { "other.txt": "landed first\n" } });
    expect((await pullState(pull.number)).mergeable_state).toBe("behind"); // strict, like the ruleset's
    expect(await status(admin.repos.deleteBranchProtection({ ...o, branch: "main" }))).toEqual({ status: 200, message: "" });
    expect((await pullState(pull.number)).mergeable_state).toBe("clean");
  });
});

describe("the workflows permission", () => {
  it("refuses an App without it (and any GITHUB_TOKEN) that pushes, moves a ref to, or merges a change under .github/workflows/", async () => {
    expect([mayWriteWorkflows({ kind: "actions", permissions: { contents: "write" } }), mayWriteWorkflows({ kind: "installation", permissions: { contents: "write" } }),
      mayWriteWorkflows({ kind: "installation", permissions: { contents: "write", workflows: "write" } }), mayWriteWorkflows({ kind: "user", permissions: {} })]).toEqual([false, false, true, true]);
    const words = "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission";
    const dir = await mkdtemp(join(tmpdir(), "weave-workflows-"));
    try {
      const git = (args: string[], token: string): Promise<{ code: number; stderr: string }> => new Promise((resolve) => {
        const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
        execFile("git", ["-c", `http.extraheader=${header}`, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir }, (error, _out, stderr) => resolve({ code: error === null ? 0 : 1, stderr }));
      });
      const token = installation.token(basic);
      expect((await git(["clone", "--quiet", repo.cloneUrl, "."], token)).code).toBe(0);
      await mkdir(join(dir, ".github/workflows"), { recursive: true });
      await writeFile(join(dir, ".github/workflows/ci.yml"), "on: push\njobs: {}\n");
      await git(["add", "."], token);
      await git(["commit", "--quiet", "-m", "Add CI"], token);
      const refused = await git(["push", "--quiet", "origin", "HEAD:refs/heads/ci"], token);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(words);
      expect(await repo.head("ci")).toBeUndefined();
      expect((await git(["push", "--quiet", "origin", "HEAD:refs/heads/ci"], installation.token({ contents: "write", workflows: "write" }))).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const ciHead = (await repo.head("ci")) ?? "";
    expect(await status(octokit.git.updateRef({ ...o, ref: "heads/main", sha: ciHead }))).toEqual({ status: 403, message: words });
    await octokit.pulls.create({ ...o, head: "ci", base: "main", title: "Add CI" });
    expect(await status(octokit.pulls.merge({ ...o, pull_number: 1 }))).toEqual({ status: 403, message: words });
    expect((await client(installation.token({ contents: "write", pull_requests: "write", workflows: "write" })).pulls.merge({ ...o, pull_number: 1 })).status).toBe(200);
  });
});
