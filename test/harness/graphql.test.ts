// GraphQL in the stand-in: documents validated against GitHub's schema, auth and permissions, auto-merge
// (enablePullRequestAutoMerge) merging by itself once the required check passes, and the merge queue (enqueuePullRequest).
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergeQueueDefaults } from "./branch-rules.js";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { InstallationHandle, RepoHandle } from "./seeding.js";
import { startWebhookReceiver } from "./webhook-receiver.js";
import type { WebhookReceiver } from "./webhook-receiver.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let installation: InstallationHandle;
let octokit: Octokit;
let receiver: WebhookReceiver;

const client = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
const o = { owner: "acme", repo: "widgets" };
const ciRule = { type: "required_status_checks", parameters: { required_status_checks: [{ context: "ci" }], strict_required_status_checks_policy: false } };
const ENABLE = `mutation($id: ID!, $mergeMethod: PullRequestMergeMethod, $headline: String, $body: String, $head: GitObjectID) {
  enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, commitHeadline: $headline, commitBody: $body, expectedHeadOid: $head }) {
    pullRequest { number autoMergeRequest { enabledAt mergeMethod enabledBy { login } } }
  }
}`;
const ENQUEUE = `mutation($id: ID!, $head: GitObjectID) { enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head }) { mergeQueueEntry { position state pullRequest { number } } } }`;

/** GitHub's GraphQL refusal as Octokit reports it: the first error's type and message. */
async function refusal(promise: Promise<unknown>): Promise<{ type?: string; message: string }> {
  try { await promise; return { message: "no error" }; } catch (error) {
    const first = (error as { errors?: { type?: string; message: string }[] }).errors?.[0];
    return first === undefined ? { message: String(error) } : { ...(first.type === undefined ? {} : { type: first.type }), message: first.message };
  }
}

async function openPull(branch: string, files: Record<string, string> = { [`${branch}.txt`]: `${branch}\n` }): Promise<{ number: number; nodeId: string; head: string }> {
  await repo.createBranch(branch);
  const head = await repo.commit({ branch, files });
  const { data } = await octokit.pulls.create({ ...o, head: branch, base: "main", title: `Add ${branch}` });
  return { number: data.number, nodeId: data.node_id, head };
}

beforeEach(async () => {
  gh = await createGitHubStandIn();
  receiver = await startWebhookReceiver("s3cret");
  repo = await gh.repos.create({ owner: "acme", name: "widgets" });
  installation = gh.apps.create({ slug: "weave", webhookUrl: receiver.url, webhookSecret: "s3cret" }).install("acme");
  octokit = client(installation.token());
});
afterEach(async () => {
  await gh.close();
  await receiver.close();
});

describe("the endpoint", () => {
  it("answers a query about a pull request, and refuses a document GitHub's schema rejects (error answer + violation)", async () => {
    const pull = await openPull("topic");
    const data = await octokit.graphql<{ repository: { pullRequest: { id: string; headRefOid: string; autoMergeRequest: null } } }>(
      `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { id headRefOid autoMergeRequest { enabledAt } } } }`,
      { owner: "acme", name: "widgets", number: pull.number });
    expect(data.repository.pullRequest).toEqual({ id: pull.nodeId, headRefOid: pull.head, autoMergeRequest: null });
    expect(gh.callCounts(`installation:${installation.id}`)["graphql/repository"]).toBe(1);
    expect((await refusal(octokit.graphql(`{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { nope } } }`))).message).toBe('Cannot query field "nope" on type "PullRequest".');
    expect((await refusal(octokit.graphql(`{ repository(owner: "acme", name: "widgets") { pullRequest(number: 9) { id } } }`)))).toEqual({ type: "NOT_FOUND", message: "Could not resolve to a PullRequest with the number of 9." });
    expect(gh.takeViolations().map((v) => v.kind)).toEqual(["invalid-request"]);
    await octokit.graphql(`{ viewer { login } }`).catch(() => undefined);
    expect(gh.takeViolations().map((v) => [v.kind, v.message])).toEqual([["unmodelled", "Query.viewer is not modelled by the stand-in's GraphQL"]]);
  });

  it("authenticates like GitHub and needs pull_requests and contents write for the mutations", async () => {
    const anonymous = await fetch(`${gh.url}/graphql`, { method: "POST", body: JSON.stringify({ query: "{ viewer { login } }" }) });
    expect([anonymous.status, ((await anonymous.json()) as { message: string }).message]).toEqual([401, "This endpoint requires you to be authenticated."]);
    repo.setAllowAutoMerge(true);
    const pull = await openPull("topic");
    const readOnly = client(installation.token({ metadata: "read", pull_requests: "write", contents: "read" }));
    expect(await refusal(readOnly.graphql(ENABLE, { id: pull.nodeId }))).toEqual({ type: "FORBIDDEN", message: "Resource not accessible by integration" });
    expect(await refusal(client(gh.users.token("mallory")).graphql(ENABLE, { id: pull.nodeId }))).toEqual({ type: "FORBIDDEN", message: "mallory does not have the correct permissions to execute `EnablePullRequestAutoMerge`" });
  });
});

describe("auto-merge", () => {
  it("is refused where GitHub refuses it: not allowed, nothing to wait for, head moved", async () => {
    const pull = await openPull("topic");
    expect(await refusal(octokit.graphql(ENABLE, { id: pull.nodeId }))).toEqual({ type: "UNPROCESSABLE", message: "Auto merge is not allowed for this repository" });
    repo.setAllowAutoMerge(true);
    expect((await octokit.repos.get(o)).data.allow_auto_merge).toBe(true);
    expect(await refusal(octokit.graphql(ENABLE, { id: pull.nodeId }))).toEqual({ type: "UNPROCESSABLE", message: "Pull request Pull request is in clean status" });
    await repo.setBranchRules("main", [ciRule]);
    expect(await refusal(octokit.graphql(ENABLE, { id: pull.nodeId, head: "0".repeat(40) }))).toMatchObject({ type: "UNPROCESSABLE", message: expect.stringContaining("Head branch was modified") });
  });

  it("merges the pull request itself once the required check passes, with the commit headline and body given", async () => {
    repo.setAllowAutoMerge(true);
    await repo.setBranchRules("main", [ciRule]);
    const pull = await openPull("topic");
    const enabled = await octokit.graphql<{ enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { mergeMethod: string; enabledBy: { login: string } } } } }>(
      ENABLE, { id: pull.nodeId, mergeMethod: "SQUASH", headline: "Topic (#1)", body: "Squashed by auto-merge", head: pull.head });
    expect(enabled.enablePullRequestAutoMerge.pullRequest.autoMergeRequest).toMatchObject({ mergeMethod: "SQUASH", enabledBy: { login: "weave[bot]" } });
    const { data: shown } = await octokit.pulls.get({ ...o, pull_number: pull.number });
    expect(shown.auto_merge).toMatchObject({ merge_method: "squash", commit_title: "Topic (#1)", commit_message: "Squashed by auto-merge", enabled_by: { login: "weave[bot]" } });
    await gh.ci.report("acme/widgets", pull.head, "ci", "failure");
    await gh.settled();
    expect((await octokit.pulls.get({ ...o, pull_number: pull.number })).data.merged).toBe(false);
    await gh.ci.report("acme/widgets", pull.head, "ci", "success");
    await gh.settled();
    const { data: merged } = await octokit.pulls.get({ ...o, pull_number: pull.number });
    expect(merged).toMatchObject({ merged: true, state: "closed", merged_by: { login: "weave[bot]" } });
    expect(await repo.head("main")).toBe(merged.merge_commit_sha);
    expect((await repo.git.readCommit(merged.merge_commit_sha ?? "")).message.trimEnd()).toBe("Topic (#1)\n\nSquashed by auto-merge");
    const events = receiver.received.map((r) => `${r.name}.${r.action ?? ""}`);
    expect(events).toEqual(expect.arrayContaining(["pull_request.auto_merge_enabled", "check_run.completed", "push.", "pull_request.closed"]));
  });
});

describe("merge queue", () => {
  it("builds a merge group, drops it when its required check fails, and merges it once the check passes", async () => {
    await repo.setBranchRules("main", [{ type: "merge_queue", parameters: { ...mergeQueueDefaults } }, ciRule]);
    const pull = await openPull("topic");
    const base = (await repo.head("main")) ?? "";
    // GitHub admits a pull request only once its required checks pass on its head.
    expect(await refusal(octokit.graphql(ENQUEUE, { id: pull.nodeId, head: pull.head }))).toEqual({ type: "UNPROCESSABLE", message: 'Pull request Required status check "ci" is expected.' });
    await gh.ci.report("acme/widgets", pull.head, "ci", "success");
    const queued = await octokit.graphql<{ enqueuePullRequest: { mergeQueueEntry: { position: number; state: string } } }>(ENQUEUE, { id: pull.nodeId, head: pull.head });
    expect(queued.enqueuePullRequest.mergeQueueEntry).toMatchObject({ position: 1, state: "QUEUED" });
    await gh.settled();
    const groupRef = `refs/heads/gh-readonly-queue/main/pr-${pull.number}-${pull.head}`;
    const first = (await repo.git.listRefs("refs/heads/gh-readonly-queue/")).get(groupRef) ?? "";
    expect(receiver.received.find((r) => r.name === "merge_group" && r.action === "checks_requested")?.payload).toMatchObject({ merge_group: { head_sha: first, head_ref: groupRef, base_sha: base, base_ref: "refs/heads/main" } });
    await gh.ci.report("acme/widgets", first, "ci", "failure");
    await gh.settled();
    expect((await repo.git.listRefs("refs/heads/gh-readonly-queue/")).size).toBe(0);
    expect(receiver.received.find((r) => r.name === "pull_request" && r.action === "dequeued")?.payload).toMatchObject({ reason: "CI_FAILURE" });

    const fixed = await repo.commit({ branch: "topic", files: { "topic.txt": "fixed\n" } }); // a new head gets a new merge group
    await gh.ci.report("acme/widgets", fixed, "ci", "success");
    await octokit.graphql(ENQUEUE, { id: pull.nodeId, head: fixed });
    await gh.settled();
    const second = (await repo.git.listRefs("refs/heads/gh-readonly-queue/")).get(`refs/heads/gh-readonly-queue/main/pr-${pull.number}-${fixed}`) ?? "";
    await gh.ci.report("acme/widgets", second, "ci", "success");
    await gh.settled();
    const { data: merged } = await octokit.pulls.get({ ...o, pull_number: pull.number });
    expect(merged).toMatchObject({ merged: true, merge_commit_sha: second });
    expect(await repo.head("main")).toBe(second);
    expect((await repo.git.readCommit(second)).message.trimEnd()).toBe(`Merge pull request #${pull.number} from acme/topic\n\nAdd topic`);
    expect(receiver.received.filter((r) => r.name === "merge_group").map((r) => r.payload.reason ?? r.action)).toEqual(["checks_requested", "dequeued", "checks_requested", "merged"]);
  });

  it("queues an auto-merge pull request once its own required check passes (merge when ready)", async () => {
    repo.setAllowAutoMerge(true);
    await repo.setBranchRules("main", [{ type: "merge_queue", parameters: { ...mergeQueueDefaults, merge_method: "SQUASH" } }, ciRule]);
    const pull = await openPull("topic");
    await octokit.graphql(ENABLE, { id: pull.nodeId });
    await gh.ci.report("acme/widgets", pull.head, "ci", "success");
    await gh.settled();
    const state = await octokit.graphql<{ repository: { pullRequest: { isInMergeQueue: boolean; mergeQueueEntry: { state: string; headCommit: { oid: string } } } } }>(
      `{ repository(owner: "acme", name: "widgets") { pullRequest(number: ${pull.number}) { isInMergeQueue mergeQueueEntry { state headCommit { oid } } } } }`);
    expect(state.repository.pullRequest).toMatchObject({ isInMergeQueue: true, mergeQueueEntry: { state: "AWAITING_CHECKS" } });
    const group = state.repository.pullRequest.mergeQueueEntry.headCommit.oid;
    expect((await repo.git.readCommit(group)).parents).toHaveLength(1); // squash
    await gh.ci.report("acme/widgets", group, "ci", "success");
    await gh.settled();
    expect((await octokit.pulls.get({ ...o, pull_number: pull.number })).data).toMatchObject({ merged: true, merge_commit_sha: group });
  });

  it("refuses to enqueue where the base has no merge queue", async () => {
    const pull = await openPull("topic");
    expect(await refusal(octokit.graphql(ENQUEUE, { id: pull.nodeId }))).toEqual({ type: "UNPROCESSABLE", message: "Merge queue is not enabled for this branch" });
  });
});
