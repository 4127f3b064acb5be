// Local `merge.via: direct` against a remote that moved first: the push is refused, weave merges the remote's new
// commits in and pushes again — never forced; new commits that conflict stop it with the files named.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { mergeMilestoneLocally } from "../../src/local/local-merge.js";
import { createRepoGit } from "../../src/local/repo-git.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "weave-direct-"));
  dirs.push(d);
  return d;
};
const gitIn = (dir: string) => (...args: string[]): string => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@e", ...args], { encoding: "utf8" }).trim();

const PLAN = parsePlan("version: 1\nmerge: { via: direct, auto: auto }\nworker: { command: 'true' }\nmilestones:\n  - { id: a, tasks: [one] }\n", "weave.yml");

function setUp(theirFile: string): { repo: string; remote: string; theirs: string } {
  const remote = temp();
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", remote]);
  const repo = temp();
  const git = gitIn(repo);
  git("init", "-q", "-b", "main");
  writeFileSync(join(repo, "shared.txt"), "base\n");
  git("add", "-A");
  git("commit", "-q", "-m", "root");
  git("remote", "add", "origin", remote);
  git("push", "-q", "origin", "main");
  git("switch", "-q", "-c", "weave/a");
  writeFileSync(join(repo, "a.txt"), "from a\n");
  writeFileSync(join(repo, "shared.txt"), "from a\n");
  git("add", "-A");
  git("commit", "-q", "-m", "task one");
  git("switch", "-q", "main");
  // Someone else pushes to the remote's main first.
  const other = temp();
  execFileSync("git", ["clone", "-q", remote, other]);
  writeFileSync(join(other, theirFile), "from someone else\n");
  gitIn(other)("add", "-A");
  gitIn(other)("commit", "-q", "-m", "their push");
  gitIn(other)("push", "-q", "origin", "main");
  return { repo, remote, theirs: gitIn(other)("rev-parse", "HEAD") };
}

describe("local direct merge with a remote", () => {
  it("merges in what was pushed meanwhile and pushes again, without force", async () => {
    const { repo, remote, theirs } = setUp("theirs.txt");
    const outcome = await mergeMilestoneLocally({ git: createRepoGit(repo), plan: PLAN, milestone: PLAN.milestones[0]!, target: "main", costUsd: 0, sleep: async () => {} });
    expect(outcome).toMatchObject({ kind: "merged", pushed: "origin" });
    const remoteMain = gitIn(remote)("rev-parse", "main");
    expect(gitIn(repo)("rev-parse", "main")).toBe(remoteMain);
    expect(() => gitIn(remote)("merge-base", "--is-ancestor", theirs, "main")).not.toThrow();
    expect(gitIn(remote)("show", "main:a.txt")).toBe("from a");
    expect(gitIn(remote)("show", "main:theirs.txt")).toBe("from someone else");
    expect(gitIn(repo)("status", "--porcelain")).toBe("");
  });

  it("stops with the conflicting files when what was pushed meanwhile conflicts", async () => {
    const { repo, remote, theirs } = setUp("shared.txt");
    const error = (await mergeMilestoneLocally({ git: createRepoGit(repo), plan: PLAN, milestone: PLAN.milestones[0]!, target: "main", costUsd: 0, sleep: async () => {} }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/shared\.txt/);
    expect(gitIn(remote)("rev-parse", "main")).toBe(theirs); // nothing forced
  });
});
