// Branch rules (rulesets) in the stand-in: GET rules/branches, refusals of direct moves (REST and git push), and what
// a pull request merge needs (approvals, required check runs reported by the CI App, the merge queue).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergeQueueDefaults } from "./branch-rules.js";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { InstallationHandle, RepoHandle } from "./seeding.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let installation: InstallationHandle;
let octokit: Octokit;

const client = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
const o = { owner: "acme", repo: "widgets" };
const pullRule = (count: number) => ({ type: "pull_request", parameters: { required_approving_review_count: count, dismiss_stale_reviews_on_push: false, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } });
const ciRule = { type: "required_status_checks", parameters: { required_status_checks: [{ context: "ci" }], strict_required_status_checks_policy: false } };

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try { await promise; return { status: 200, message: "" }; } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? "" };
  }
}

async function openPull(branch: string): Promise<{ number: number; head: string }> {
  await repo.createBranch(branch);
  const head = await repo.commit({ branch, files: { [`${branch}.txt`]: `${branch}\n` } });
  const { data } = await octokit.pulls.create({ ...o, head: branch, base: "main", title: `Add ${branch}` });
  return { number: data.number, head };
}

beforeEach(async () => {
  gh = await createGitHubStandIn();
  repo = await gh.repos.create({ owner: "acme", name: "widgets" });
  installation = gh.apps.create({ slug: "weave" }).install("acme");
  octokit = client(installation.token());
});
afterEach(async () => { await gh.close(); });

describe("GET /repos/{o}/{r}/rules/branches/{branch}", () => {
  it("answers the rules that apply, with their ruleset, to a metadata-only token", async () => {
    await repo.setBranchRules("main", [pullRule(1), ciRule, { type: "non_fast_forward" }]);
    await repo.setBranchRules("release/*", [{ type: "deletion" }]);
    const reader = client(installation.token({ metadata: "read" }));
    const { data } = await reader.repos.getBranchRules({ ...o, branch: "main" });
    expect(data.map((r) => r.type)).toEqual(["pull_request", "required_status_checks", "non_fast_forward"]);
    expect(data[1]).toMatchObject({ ruleset_source_type: "Repository", ruleset_source: "acme/widgets", ruleset_id: expect.any(Number), parameters: ciRule.parameters });
    expect((await reader.repos.getBranchRules({ ...o, branch: "release/1.0" })).data.map((r) => r.type)).toEqual(["deletion"]);
    expect((await reader.repos.getBranchRules({ ...o, branch: "nowhere" })).data).toEqual([]);
  });

  it("refuses seeded rules GitHub would not accept, and rules the stand-in does not model", async () => {
    await expect(repo.setBranchRules("main", [{ type: "pull_request", parameters: { required_approving_review_count: 1 } }])).rejects.toThrow(/not a repository rule GitHub accepts/);
    await expect(repo.setBranchRules("main", [{ type: "required_signatures" }])).rejects.toThrow(/not modelled/);
  });
});

describe("direct moves of a ruled branch", () => {
  it("refuses update-ref (422), POST /merges (409) and git push (GH013) under a pull_request rule", async () => {
    await repo.setBranchRules("main", [pullRule(0)]);
    const main = (await repo.head("main")) ?? "";
    await repo.createBranch("topic");
    const topic = await repo.commit({ branch: "topic", files: { "t.txt": "t\n" } });
    const rule = "Repository rule violations found\n\nChanges must be made through a pull request.\n\n";
    expect(await status(octokit.git.updateRef({ ...o, ref: "heads/main", sha: topic }))).toEqual({ status: 422, message: rule });
    expect(await status(octokit.repos.merge({ ...o, base: "main", head: "topic" }))).toEqual({ status: 409, message: rule });
    expect((await octokit.git.updateRef({ ...o, ref: "heads/topic", sha: main, force: true })).status).toBe(200);

    const dir = await mkdtemp(join(tmpdir(), "weave-rules-"));
    try {
      const url = repo.cloneUrl.replace("http://", `http://x-access-token:${installation.token()}@`);
      const git = (args: string[], cwd = dir): Promise<{ code: number; stderr: string }> => new Promise((resolve) => {
        execFile("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, env: { PATH: process.env.PATH ?? "", HOME: dir, GIT_TERMINAL_PROMPT: "0" } },
          (error, _out, stderr) => resolve({ code: error === null ? 0 : 1, stderr }));
      });
      expect((await git(["clone", "--quiet", url, "work"])).code).toBe(0);
      const work = join(dir, "work");
      await writeFile(join(work, "direct.txt"), "direct\n");
      await git(["add", "direct.txt"], work);
      await git(["commit", "-qm", "direct"], work);
      const pushed = await git(["push", "origin", "HEAD:main"], work);
      expect(pushed.code).not.toBe(0);
      expect(pushed.stderr).toContain("GH013: Repository rule violations found for refs/heads/main.");
      expect(pushed.stderr).toContain("- Changes must be made through a pull request.");
      expect(await repo.head("main")).toBe(main);
      expect((await git(["push", "origin", "HEAD:refs/heads/elsewhere"], work)).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses force updates and deletions by non_fast_forward and deletion rules, on branches matched by pattern", async () => {
    await repo.setBranchRules("release/*", [{ type: "non_fast_forward" }, { type: "deletion" }]);
    const base = await repo.createBranch("release/1");
    await repo.commit({ branch: "release/1", files: { "r.txt": "1\n" } });
    expect(await status(octokit.git.updateRef({ ...o, ref: "heads/release/1", sha: base, force: true }))).toEqual({ status: 422, message: "Repository rule violations found\n\nCannot force-push to this branch\n\n" });
    expect(await status(octokit.git.deleteRef({ ...o, ref: "heads/release/1" }))).toMatchObject({ status: 422, message: expect.stringContaining("Cannot delete this branch") });
    expect((await octokit.git.createRef({ ...o, ref: "refs/heads/release/2", sha: base })).status).toBe(201);
  });
});

describe("pull request merges under rules", () => {
  it("needs the approvals and the required check: 405 with GitHub's reasons, mergeable_state blocked, then clean", async () => {
    await repo.setBranchRules("main", [pullRule(1), ciRule]);
    repo.setPermission("alice", "write");
    const pull = await openPull("topic");
    await octokit.pulls.get({ ...o, pull_number: pull.number });
    expect((await octokit.pulls.get({ ...o, pull_number: pull.number })).data).toMatchObject({ mergeable: true, mergeable_state: "blocked" });
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toEqual({
      status: 405, message: "Repository rule violations found\n\nAt least 1 approving review is required by reviewers with write access.\n\nRequired status check \"ci\" is expected.\n\n",
    });
    const reviewer = gh.apps.create({ slug: "reviewer", permissions: { metadata: "read", contents: "read", pull_requests: "write" } }).install("acme");
    await client(reviewer.token()).pulls.createReview({ ...o, pull_number: pull.number, event: "APPROVE" }); // an App without contents write: does not count
    expect((await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).message).toContain("At least 1 approving review");
    await client(gh.users.token("alice")).pulls.createReview({ ...o, pull_number: pull.number, event: "APPROVE" });
    await gh.ci.report("acme/widgets", pull.head, "ci", "failure");
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toEqual({ status: 405, message: "Repository rule violations found\n\n1 of 1 required status checks have not succeeded.\n\n" });
    await gh.ci.start("acme/widgets", pull.head, "lint");
    await gh.ci.report("acme/widgets", pull.head, "ci", "success");
    expect((await octokit.pulls.get({ ...o, pull_number: pull.number })).data.mergeable_state).toBe("unstable"); // "lint" is running but not required
    await gh.ci.report("acme/widgets", pull.head, "lint", "success");
    expect((await octokit.pulls.get({ ...o, pull_number: pull.number })).data.mergeable_state).toBe("clean");
    expect((await octokit.pulls.merge({ ...o, pull_number: pull.number, sha: pull.head })).data.merged).toBe(true);
  });

  it("dismisses approvals when the head moves under dismiss_stale_reviews_on_push", async () => {
    await repo.setBranchRules("main", [{ type: "pull_request", parameters: { ...pullRule(1).parameters, dismiss_stale_reviews_on_push: true } }]);
    repo.setPermission("alice", "write");
    gh.apps.create({ slug: "watcher", webhookUrl: "http://127.0.0.1:9/hooks" }).install("acme"); // payloads are checked against GitHub's schemas
    const pull = await openPull("topic");
    await client(gh.users.token("alice")).pulls.createReview({ ...o, pull_number: pull.number, event: "APPROVE" });
    await repo.commit({ branch: "topic", files: { "topic.txt": "again\n" } });
    const { data: reviews } = await octokit.pulls.listReviews({ ...o, pull_number: pull.number });
    expect(reviews.map((r) => r.state)).toEqual(["DISMISSED"]);
    await gh.settled();
    expect(gh.deliveries.filter((d) => d.event === "pull_request_review").map((d) => d.action)).toEqual(["submitted", "dismissed"]);
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toMatchObject({ status: 405, message: expect.stringContaining("At least 1 approving review") });
  });

  it("refuses merges that must go through the merge queue, and merge methods the rule does not allow", async () => {
    const pull = await openPull("topic");
    await repo.setBranchRules("main", [{ type: "pull_request", parameters: { ...pullRule(0).parameters, allowed_merge_methods: ["squash"] } }]);
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number, merge_method: "merge" }))).toEqual({ status: 405, message: "Merge commits are not allowed on this repository." });
    await repo.setBranchRules("main", [{ type: "merge_queue", parameters: { ...mergeQueueDefaults } }]);
    expect(await status(octokit.pulls.merge({ ...o, pull_number: pull.number }))).toEqual({ status: 405, message: "Repository rule violations found\n\nChanges must be made through the merge queue\n\n" });
  });
});
