// Webhooks reach the App's real endpoint signed like GitHub's (verified by @octokit/webhooks), shaped from
// GitHub's examples and valid against @octokit/openapi-webhooks; faults are injected on request.
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { AppHandle, InstallationHandle, RepoHandle } from "./seeding.js";
import { startWebhookReceiver } from "./webhook-receiver.js";
import type { WebhookReceiver } from "./webhook-receiver.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let app: AppHandle;
let installation: InstallationHandle;
let receiver: WebhookReceiver;
let octokit: Octokit;

const client = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });

beforeEach(async () => {
  gh = await createGitHubStandIn();
  receiver = await startWebhookReceiver("s3cret");
  repo = await gh.repos.create({ owner: "acme", name: "widgets" });
  app = gh.apps.create({ slug: "weave", webhookUrl: receiver.url, webhookSecret: "s3cret" });
  installation = app.install("acme");
  octokit = client(installation.token());
});
afterEach(async () => {
  await gh.close();
  await receiver.close();
});

describe("deliveries", () => {
  it("delivers push, pull_request and issue_comment events that verify and validate", async () => {
    await repo.createBranch("weave/M1");
    await repo.commit({ branch: "weave/M1", files: { "a.txt": "a\n" } });
    const { data: pull } = await octokit.pulls.create({ owner: "acme", repo: "widgets", head: "weave/M1", base: "main", title: "M1" });
    await client(gh.users.token("alice")).issues.createComment({ owner: "acme", repo: "widgets", issue_number: pull.number, body: "/weave status" });
    await repo.commit({ branch: "weave/M1", files: { "a.txt": "b\n" } });
    await gh.settled();
    const names = receiver.received.map((r) => `${r.name}${r.action === undefined ? "" : `.${r.action}`}`);
    expect(receiver.received[0]?.payload).toMatchObject({ action: "created", installation: { id: installation.id, app_id: app.id }, repositories: [{ full_name: "acme/widgets" }] });
    expect(names).toEqual(["installation.created", "push", "push", "pull_request.opened", "issue_comment.created", "push", "pull_request.synchronize"]);
    const comment = receiver.received.find((r) => r.name === "issue_comment");
    expect(comment?.payload).toMatchObject({ comment: { body: "/weave status", user: { login: "alice" } }, issue: { number: pull.number }, installation: { id: installation.id }, repository: { full_name: "acme/widgets" } });
    expect(comment?.headers["x-github-hook-installation-target-id"]).toBe(String(app.id));
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);
    expect(receiver.rejected).toEqual([]);
    expect(gh.deliveries.every((d) => d.status === "delivered")).toBe(true);
  });

  it("sends requested_action and rerequested only to the App that created the check run", async () => {
    const other = await startWebhookReceiver("other");
    const otherApp = gh.apps.create({ slug: "other", webhookUrl: other.url, webhookSecret: "other" });
    otherApp.install("acme");
    const head = (await repo.head("main")) ?? "";
    const { data: run } = await octokit.checks.create({ owner: "acme", repo: "widgets", name: "weave: M1", head_sha: head, conclusion: "success", actions: [{ label: "Merge", description: "Merge now", identifier: "merge" }] });
    gh.checks.requestAction("acme/widgets", run.id, "merge", "alice");
    gh.checks.rerequest("acme/widgets", run.id, "alice");
    await gh.settled();
    expect(receiver.received.filter((r) => r.name === "check_run").map((r) => r.action)).toEqual(["created", "completed", "requested_action", "rerequested"]);
    expect(other.received.filter((r) => r.name === "check_run").map((r) => r.action)).toEqual(["created", "completed"]);
    expect(receiver.received.find((r) => r.action === "requested_action")?.payload).toMatchObject({ requested_action: { identifier: "merge" }, sender: { login: "alice" } });
    await other.close();
  });

  it("a receiver with the wrong secret rejects the signature", async () => {
    const wrong = await startWebhookReceiver("not-the-secret");
    app.setWebhookUrl(wrong.url);
    await repo.commit({ branch: "main", files: { "x.txt": "x\n" } });
    await gh.settled();
    expect([wrong.received.length, wrong.rejected.length]).toEqual([0, 1]);
    expect(gh.webhooks.deliveries.at(-1)).toMatchObject({ status: "failed", responseStatus: 400 });
    await wrong.close();
  });
});

describe("faults", () => {
  it("duplicates (same delivery id), drops and delays deliveries on request", async () => {
    gh.webhooks.inject({ fault: "duplicate", event: "push" });
    gh.webhooks.inject({ fault: "drop", event: "push" });
    gh.webhooks.inject({ fault: "delay", event: "push", ms: 150 });
    await repo.commit({ branch: "main", files: { "1.txt": "1\n" } });
    await repo.commit({ branch: "main", files: { "2.txt": "2\n" } });
    await repo.commit({ branch: "main", files: { "3.txt": "3\n" } });
    await gh.settled();
    const pushes = receiver.received.filter((r) => r.name === "push");
    expect(pushes).toHaveLength(3);
    expect(pushes[0]?.id).toBe(pushes[1]?.id);
    expect(gh.webhooks.deliveries.filter((d) => d.event === "push").map((d) => d.status)).toEqual(["delivered", "delivered", "dropped", "delivered"]);
  });

  it("holds deliveries and releases them reversed; redelivers with the same id", async () => {
    await receiver.waitFor((r) => r.name === "installation");
    receiver.received.length = 0;
    gh.webhooks.hold();
    await repo.commit({ branch: "main", files: { "1.txt": "1\n" }, message: "one" });
    await repo.commit({ branch: "main", files: { "2.txt": "2\n" }, message: "two" });
    expect(receiver.received).toHaveLength(0);
    gh.webhooks.release("reverse");
    await gh.settled();
    expect(receiver.received.map((r) => (r.payload.head_commit as { message: string }).message)).toEqual(["two", "one"]);
    const first = gh.webhooks.deliveries.find((d) => d.event === "push");
    await gh.webhooks.redeliver(first?.id ?? "");
    expect(receiver.received.at(-1)?.id).toBe(first?.id);
  });
});
