// GET /repos/{o}/{r}/commits: newest first from a ref, paged like GitHub, validated against the OpenAPI subset.
import { Octokit } from "@octokit/rest";
import { afterEach, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";

let gh: GitHubStandIn | undefined;
afterEach(async () => gh?.close());

it("lists commits newest first from a branch, with paging", async () => {
  gh = await createGitHubStandIn();
  const repo = await gh.repos.create({ owner: "acme", name: "widgets", files: { "a.txt": "1" } });
  await repo.commit({ branch: "main", files: { "a.txt": "2" }, message: "second" });
  await repo.commit({ branch: "main", files: { "a.txt": "3" }, message: "third\n\nWeave-Merged: M1" });
  const octokit = new Octokit({ baseUrl: gh.url, auth: gh.users.token("acme"), log: { debug() {}, info() {}, warn() {}, error() {} } });
  const { data } = await octokit.repos.listCommits({ owner: "acme", repo: "widgets", sha: "main", per_page: 2 });
  expect(data.map((c) => c.commit.message)).toEqual(["third\n\nWeave-Merged: M1", "second"]);
  const all = await octokit.paginate(octokit.repos.listCommits, { owner: "acme", repo: "widgets", per_page: 2 });
  expect(all).toHaveLength(3);
  const missing = await octokit.repos.listCommits({ owner: "acme", repo: "widgets", sha: "nope" }).then(() => 200, (e: { status: number }) => e.status);
  expect(missing).toBe(404);
});
