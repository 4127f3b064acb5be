// Real `git clone` and `git push` over smart HTTP against the stand-in, authenticated like github.com.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";
import type { InstallationHandle, RepoHandle } from "./seeding.js";

let gh: GitHubStandIn;
let repo: RepoHandle;
let installation: InstallationHandle;
let dir: string;

function git(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_TERMINAL_PROMPT: "0" } }, (error, _out, stderr) => {
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stderr });
    });
  });
}

const withToken = (url: string, token: string): string => url.replace("http://", `http://x-access-token:${token}@`);

beforeEach(async () => {
  gh = await createGitHubStandIn();
  repo = await gh.repos.create({ owner: "acme", name: "widgets" });
  installation = gh.apps.create({ slug: "weave" }).install("acme");
  dir = await mkdtemp(join(tmpdir(), "weave-clone-"));
});
afterEach(async () => {
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

it("clones a public repository anonymously but pushes only with a token that may write", async () => {
  expect((await git(["clone", "--quiet", repo.cloneUrl, "work"], dir)).code).toBe(0);
  const work = join(dir, "work");
  await writeFile(join(work, "a.txt"), "a\n");
  await git(["add", "a.txt"], work);
  await git(["commit", "-q", "-m", "a"], work);
  expect((await git(["push", "origin", "HEAD:main"], work)).code).not.toBe(0);
  expect((await git(["push", withToken(repo.cloneUrl, installation.token({ contents: "read" })), "HEAD:main"], work)).code).not.toBe(0);
  const pushed = await git(["push", withToken(repo.cloneUrl, installation.token()), "HEAD:main"], work);
  expect(pushed).toMatchObject({ code: 0 });
  expect(await repo.readFile("main", "a.txt")).toBe("a\n");
});

it("moves an open pull request's head when its branch is pushed", async () => {
  await repo.createBranch("topic");
  await repo.commit({ branch: "topic", files: { "t.txt": "1\n" } });
  const octokit = new Octokit({ baseUrl: gh.url, auth: installation.token(), request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
  const { data: pull } = await octokit.pulls.create({ owner: "acme", repo: "widgets", head: "topic", base: "main", title: "topic" });
  const url = withToken(repo.cloneUrl, installation.token());
  expect((await git(["clone", "--quiet", "--branch", "topic", url, "work"], dir)).code).toBe(0);
  const work = join(dir, "work");
  await writeFile(join(work, "t.txt"), "2\n");
  await git(["commit", "-qam", "two"], work);
  expect((await git(["push", "origin", "topic"], work)).code).toBe(0);
  const { data: after } = await octokit.pulls.get({ owner: "acme", repo: "widgets", pull_number: pull.number });
  expect(after.head.sha).toBe(await repo.head("topic"));
  expect(after.head.sha).not.toBe(pull.head.sha);
});
