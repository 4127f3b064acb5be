/**
 * The repo client's outbound filter against the GitHub stand-in: whatever a caller hands it, what GitHub stores
 * is redacted of the App's secrets and known token shapes, and fits GitHub's limits (so it is never refused as
 * too long).
 */
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createRepoClient } from "../../src/github/repo-client.js";
import type { OctokitLike, RepoClient } from "../../src/github/repo-client.js";
import { secretValuesOf } from "../../src/core/safe-text.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";

let gh: GitHubStandIn;
let octokit: Octokit;
let client: RepoClient;
let issue: number;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ENV = { ANTHROPIC_API_KEY: "custom-secret-without-a-known-shape", HOME: "/home/weave" };
const GHP = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

beforeEach(async () => {
  gh = await createGitHubStandIn();
  const repo = await gh.repos.create({ owner: "acme", name: "widgets", files: { "README.md": "hello\n" } });
  const installation = gh.apps.create({ slug: "weave" }).install("acme");
  octokit = new Octokit({ baseUrl: gh.url, auth: installation.token(), log: quiet, request: { retries: 0 } });
  client = createRepoClient(octokit as unknown as OctokitLike, { owner: "acme", repo: "widgets" }, { secretValues: secretValuesOf(ENV) });
  issue = repo.createIssue("Run the plan", "alice");
});
afterEach(async () => { await gh.close(); });

const bodyOf = async (id: number): Promise<string> => (await octokit.issues.getComment({ owner: "acme", repo: "widgets", comment_id: id })).data.body ?? "";

it("redacts secrets from comments, on create and on edit", async () => {
  const id = await client.createComment(issue, `M1 failed: ${ENV.ANTHROPIC_API_KEY} and ${GHP} in /home/weave`);
  expect(await bodyOf(id)).toBe("M1 failed: [redacted] and [redacted] in /home/weave");
  expect(await client.updateComment(id, `again ${GHP}`)).toBe(true);
  expect(await bodyOf(id)).toBe("again [redacted]");
});

it("fits a comment over 65,536 characters instead of being refused, and says what was left out", async () => {
  const table = Array.from({ length: 1500 }, (_, i) => `| M${i} | eligible | waits for M${i - 1} to merge, then starts |`).join("\n");
  expect(table.length).toBeGreaterThan(65_536);
  const id = await client.createComment(issue, table);
  const body = await bodyOf(id);
  expect(body.length).toBeLessThanOrEqual(65_536);
  expect(body).toMatch(/… \d+ more characters left out/);
  expect(await client.updateComment(id, `${table}\n${table}`)).toBe(true);
  expect((await bodyOf(id)).length).toBeLessThanOrEqual(65_536);
});

it("redacts and fits check-run output", async () => {
  const sha = (await octokit.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" })).data.commit.sha;
  const id = await client.createCheckRun({ name: "weave / M1", head_sha: sha, status: "in_progress", output: { title: `failed ${GHP}`, summary: `> ${ENV.ANTHROPIC_API_KEY}\n${"y\n".repeat(40_000)}` } });
  const { data } = await octokit.checks.get({ owner: "acme", repo: "widgets", check_run_id: id });
  expect(data.output.title).toBe("failed [redacted]");
  expect(data.output.summary?.startsWith("> [redacted]\n")).toBe(true);
  expect(data.output.summary!.length).toBeLessThanOrEqual(65_535);
});
