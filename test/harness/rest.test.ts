// The stand-in answers a plain @octokit/rest client the way GitHub does: refs, contents, compare, merges, pulls,
// comments, reactions, check runs, collaborator permission and App auth, all checked against GitHub's OpenAPI.
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { AppHandle, InstallationHandle, RepoHandle } from "./seeding.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let app: AppHandle;
let installation: InstallationHandle;
let octokit: Octokit;

const client = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try { await promise; return { status: 200, message: "" }; } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? "" };
  }
}

beforeEach(async () => {
  gh = await createGitHubStandIn();
  repo = await gh.repos.create({ owner: "acme", name: "widgets", files: { "README.md": "hello\n", "src/a.ts": "export const a = 1;\n" } });
  app = gh.apps.create({ slug: "weave" });
  installation = app.install("acme");
  octokit = client(installation.token());
});
afterEach(async () => { await gh.close(); });

describe("App authentication", () => {
  it("exchanges an App JWT for an installation token and finds the repo's installation", async () => {
    const appClient = client(await app.jwt());
    const { data: found } = await appClient.apps.getRepoInstallation({ owner: "acme", repo: "widgets" });
    expect(found.id).toBe(installation.id);
    const { data: token } = await appClient.apps.createInstallationAccessToken({ installation_id: installation.id });
    const { data: repoData } = await client(token.token).repos.get({ owner: "acme", repo: "widgets" });
    expect(repoData.default_branch).toBe("main");
  });

  it("rejects a JWT that lives longer than 10 minutes, and an installation token on /app", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await status(client(await app.jwt({ iat: now, exp: now + 3600 })).apps.getAuthenticated())).toMatchObject({ status: 401, message: expect.stringContaining("too far in the future") });
    expect((await status(octokit.apps.getAuthenticated())).status).toBe(401);
    expect((await status(client("ghs_nope").repos.get({ owner: "acme", repo: "widgets" }))).status).toBe(401);
  });

  it("answers 403 when the installation lacks the permission", async () => {
    const readOnly = client(installation.token({ contents: "read" }));
    const main = await repo.head("main");
    const result = await status(readOnly.git.createRef({ owner: "acme", repo: "widgets", ref: "refs/heads/x", sha: main ?? "" }));
    expect(result).toEqual({ status: 403, message: "Resource not accessible by integration" });
  });
});

describe("git refs, contents, compare and merges", () => {
  it("claims a ref once (422 Reference already exists) and updates only by fast-forward unless forced", async () => {
    const main = (await repo.head("main")) ?? "";
    await octokit.git.createRef({ owner: "acme", repo: "widgets", ref: "refs/heads/weave/M1", sha: main });
    expect(await status(octokit.git.createRef({ owner: "acme", repo: "widgets", ref: "refs/heads/weave/M1", sha: main }))).toEqual({ status: 422, message: "Reference already exists" });
    const next = await repo.commit({ branch: "weave/M1", files: { "b.txt": "b\n" } });
    const { data: ref } = await octokit.git.getRef({ owner: "acme", repo: "widgets", ref: "heads/weave/M1" });
    expect(ref.object.sha).toBe(next);
    expect(await status(octokit.git.updateRef({ owner: "acme", repo: "widgets", ref: "heads/weave/M1", sha: main, force: false }))).toEqual({ status: 422, message: "Update is not a fast forward" });
    await octokit.git.updateRef({ owner: "acme", repo: "widgets", ref: "heads/weave/M1", sha: main, force: true });
    expect(await repo.head("weave/M1")).toBe(main);
  });

  it("builds a commit through trees and commits, reads contents at a ref, and compares", async () => {
    const main = (await repo.head("main")) ?? "";
    const { data: base } = await octokit.git.getCommit({ owner: "acme", repo: "widgets", commit_sha: main });
    const { data: tree } = await octokit.git.createTree({ owner: "acme", repo: "widgets", base_tree: base.tree.sha, tree: [{ path: "src/b.ts", mode: "100644", type: "blob", content: "export const b = 2;\n" }] });
    const { data: commit } = await octokit.git.createCommit({ owner: "acme", repo: "widgets", message: "Add b", tree: tree.sha, parents: [main] });
    await octokit.git.createRef({ owner: "acme", repo: "widgets", ref: "refs/heads/feature", sha: commit.sha });
    const { data: file } = await octokit.repos.getContent({ owner: "acme", repo: "widgets", path: "src/b.ts", ref: "feature" });
    expect(Buffer.from((file as { content: string }).content, "base64").toString()).toBe("export const b = 2;\n");
    expect((await status(octokit.repos.getContent({ owner: "acme", repo: "widgets", path: "src/b.ts" }))).status).toBe(404);
    const { data: cmp } = await octokit.repos.compareCommitsWithBasehead({ owner: "acme", repo: "widgets", basehead: "main...feature" });
    expect(cmp).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0 });
    expect(cmp.files?.map((f) => [f.filename, f.status])).toEqual([["src/b.ts", "added"]]);
    const { data: branch } = await octokit.repos.getBranch({ owner: "acme", repo: "widgets", branch: "feature" });
    expect(branch.commit.sha).toBe(commit.sha);
  });

  it("merges branches with real git: 201 clean, 204 nothing to merge, 409 conflict", async () => {
    await repo.createBranch("left");
    await repo.createBranch("right");
    await repo.commit({ branch: "left", files: { "README.md": "left\n" } });
    await repo.commit({ branch: "right", files: { "README.md": "right\n" } });
    const { status: merged, data } = await octokit.repos.merge({ owner: "acme", repo: "widgets", base: "main", head: "left" });
    expect(merged).toBe(201);
    expect(data.parents).toHaveLength(2);
    expect((await octokit.repos.merge({ owner: "acme", repo: "widgets", base: "main", head: "left" })).status).toBe(204);
    expect(await status(octokit.repos.merge({ owner: "acme", repo: "widgets", base: "main", head: "right" }))).toEqual({ status: 409, message: "Merge conflict" });
  });
});

describe("pull requests", () => {
  async function openPull(branch: string, files: Record<string, string>): Promise<number> {
    await repo.createBranch(branch);
    await repo.commit({ branch, files });
    const { data } = await octokit.pulls.create({ owner: "acme", repo: "widgets", head: branch, base: "main", title: `PR ${branch}` });
    return data.number;
  }

  it("reports mergeable null until computed, then merges with sha; 409 when the head moved", async () => {
    const number = await openPull("weave/M1", { "m1.txt": "1\n" });
    const first = await octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: number });
    expect(first.data.mergeable).toBeNull();
    const second = await octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: number });
    expect(second.data).toMatchObject({ mergeable: true, mergeable_state: "clean" });
    const stale = second.data.head.sha;
    await repo.commit({ branch: "weave/M1", files: { "m1.txt": "2\n" } });
    expect(await status(octokit.pulls.merge({ owner: "acme", repo: "widgets", pull_number: number, sha: stale }))).toMatchObject({ status: 409 });
    const head = (await repo.head("weave/M1")) ?? "";
    const { data } = await octokit.pulls.merge({ owner: "acme", repo: "widgets", pull_number: number, sha: head, merge_method: "squash" });
    expect(data.merged).toBe(true);
    expect(await repo.readFile("main", "m1.txt")).toBe("2\n");
    const { data: after } = await octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: number });
    expect(after).toMatchObject({ state: "closed", merged: true, merge_commit_sha: data.sha });
  });

  it("refuses a conflicting merge with 405 and a duplicate or empty PR with 422", async () => {
    const a = await openPull("a", { "README.md": "a\n" });
    const b = await openPull("b", { "README.md": "b\n" });
    await octokit.pulls.merge({ owner: "acme", repo: "widgets", pull_number: a });
    expect(await status(octokit.pulls.merge({ owner: "acme", repo: "widgets", pull_number: b }))).toEqual({ status: 405, message: "Pull Request is not mergeable" });
    await octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: b });
    expect((await octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: b })).data.mergeable).toBe(false);
    expect((await status(octokit.pulls.create({ owner: "acme", repo: "widgets", head: "b", base: "main", title: "again" }))).status).toBe(422);
    await repo.createBranch("empty");
    expect((await status(octokit.pulls.create({ owner: "acme", repo: "widgets", head: "empty", base: "main", title: "empty" }))).status).toBe(422);
    const { data: open } = await octokit.pulls.list({ owner: "acme", repo: "widgets", state: "open" });
    expect(open.map((p) => p.number)).toEqual([b]);
  });

  it("takes reviews, comments with reactions, and updates comments", async () => {
    const number = await openPull("c", { "c.txt": "c\n" });
    const alice = client(gh.users.token("alice"));
    repo.setPermission("alice", "write");
    await alice.pulls.createReview({ owner: "acme", repo: "widgets", pull_number: number, event: "APPROVE" });
    const { data: comment } = await octokit.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: "status" });
    expect(comment.performed_via_github_app?.slug).toBe("weave");
    expect(comment.user?.login).toBe("weave[bot]");
    await octokit.issues.updateComment({ owner: "acme", repo: "widgets", comment_id: comment.id, body: "status v2" });
    const first = await alice.reactions.createForIssueComment({ owner: "acme", repo: "widgets", comment_id: comment.id, content: "rocket" });
    const again = await alice.reactions.createForIssueComment({ owner: "acme", repo: "widgets", comment_id: comment.id, content: "rocket" });
    expect([first.status, again.status]).toEqual([201, 200]);
    const { data: list } = await octokit.issues.listComments({ owner: "acme", repo: "widgets", issue_number: number });
    expect(list.map((c) => [c.body, c.reactions?.rocket])).toEqual([["status v2", 1]]);
    for (let i = 0; i < 4; i++) await octokit.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: `more ${i}` });
    const all = await octokit.paginate(octokit.issues.listComments, { owner: "acme", repo: "widgets", issue_number: number, per_page: 2 });
    expect(all.map((c) => c.body)).toEqual(["status v2", "more 0", "more 1", "more 2", "more 3"]);
    const { data: reviews } = await octokit.pulls.listReviews({ owner: "acme", repo: "widgets", pull_number: number });
    expect(reviews.map((r) => r.state)).toEqual(["APPROVED"]);
  });

  it("refuses a comment body over 65,536 characters on create and on edit, as GitHub does", async () => {
    const number = await openPull("long", { "long.txt": "l\n" });
    const long = "x".repeat(65_537);
    const refused = async (p: Promise<unknown>): Promise<unknown> => p.then(() => "accepted", (e: { status: number; response?: { data?: { errors?: { message?: string }[] } } }) => [e.status, e.response?.data?.errors?.[0]?.message]);
    expect(await refused(octokit.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: long }))).toEqual([422, "Body is too long (maximum is 65536 characters)"]);
    const { data: comment } = await octokit.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: "x".repeat(65_536) });
    expect(await refused(octokit.issues.updateComment({ owner: "acme", repo: "widgets", comment_id: comment.id, body: long }))).toEqual([422, "Body is too long (maximum is 65536 characters)"]);
    expect((await octokit.issues.getComment({ owner: "acme", repo: "widgets", comment_id: comment.id })).data.body?.length).toBe(65_536);
  });
});

describe("check runs and permissions", () => {
  it("lets only the creating App update its check run (403 for another App)", async () => {
    const other = gh.apps.create({ slug: "other" }).install("acme");
    const head = (await repo.head("main")) ?? "";
    const { data: run } = await octokit.checks.create({ owner: "acme", repo: "widgets", name: "weave: M1", head_sha: head, status: "in_progress" });
    expect((await status(client(other.token()).checks.update({ owner: "acme", repo: "widgets", check_run_id: run.id, status: "completed", conclusion: "success" }))).status).toBe(403);
    await octokit.checks.update({ owner: "acme", repo: "widgets", check_run_id: run.id, conclusion: "success", actions: [{ label: "Merge", description: "Merge M1", identifier: "merge" }] });
    const { data: list } = await octokit.checks.listForRef({ owner: "acme", repo: "widgets", ref: "main" });
    expect(list.check_runs.map((r) => [r.name, r.conclusion, r.app?.slug])).toEqual([["weave: M1", "success", "weave"]]);
    expect((await status(octokit.checks.update({ owner: "acme", repo: "widgets", check_run_id: run.id, actions: [1, 2, 3, 4].map((i) => ({ label: `b${i}`, description: "d", identifier: `i${i}` })) }))).status).toBe(422);
    expect(gh.takeViolations().map((v) => v.message)).toEqual([expect.stringContaining("body/actions must NOT have more than 3 items")]);
    expect((await status(client(gh.users.token("alice")).checks.create({ owner: "acme", repo: "widgets", name: "x", head_sha: head }))).status).toBe(403);
  });

  it("reports collaborator permission, with read for non-collaborators", async () => {
    repo.setPermission("bob", "maintain");
    gh.users.create("carol");
    const get = async (username: string): Promise<unknown> => (await octokit.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "widgets", username })).data.permission;
    expect([await get("acme"), await get("bob"), await get("carol")]).toEqual(["admin", "write", "read"]);
  });

  it("counts calls per operation and per credential", async () => {
    await octokit.repos.get({ owner: "acme", repo: "widgets" });
    await octokit.repos.get({ owner: "acme", repo: "widgets" });
    await status(octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: 99 }));
    expect(gh.callCounts(`installation:${installation.id}`)).toEqual({ "repos/get": 2, "pulls/get": 1 });
  });
});
