import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepoGit } from "../../src/local/repo-git.js";
import { ensureWorktree } from "../../src/local/worktree-create.js";
import { planYaml, repoForTest } from "./local-fixtures.js";

const TEN = planYaml(Array.from({ length: 10 }, (_, i) => `  - { id: M${i}, tasks: [noop] }\n`).join(""), "").replace("max_workers: 2", "max_workers: 8");

describe("worktree creation under concurrency and crashes (real git)", () => {
  it("a failure right after the branch was created is finished by the next call", async (t) => {
    const repo = await repoForTest(t, TEN);
    const git = createRepoGit(repo.dir);
    const path = join(repo.dir, ".weave/worktrees/M1");
    await expect(ensureWorktree(git, path, "weave/M1", "main", { afterBranchCreated: () => { throw new Error("killed"); } })).rejects.toThrow("killed");
    expect(repo.git("rev-parse", "weave/M1")).toBe(repo.git("rev-parse", "main"));
    await ensureWorktree(git, path, "weave/M1", "main");
    expect(repo.git("-C", path, "symbolic-ref", "--short", "HEAD")).toBe("weave/M1");
  });

  it("weave start finishes a worktree a killed coordinator left half-made (branch made, directory with a dangling .git)", async (t) => {
    const repo = await repoForTest(t, TEN);
    repo.git("branch", "weave/M3", "main");
    const path = join(repo.dir, ".weave/worktrees/M3");
    await mkdir(path, { recursive: true });
    await writeFile(join(path, ".git"), `gitdir: ${join(repo.dir, ".git/worktrees/M3")}\n`);
    const run = await repo.weave(["start"]);
    expect(run.stdout).toMatch(/10\/10 merged into main/);
    expect(run.code).toBe(0);
  });

  it("refuses a directory at the worktree path that holds someone's files", async (t) => {
    const repo = await repoForTest(t, TEN);
    const path = join(repo.dir, ".weave/worktrees/M1");
    await mkdir(path, { recursive: true });
    await writeFile(join(path, "notes.txt"), "mine\n");
    await expect(ensureWorktree(createRepoGit(repo.dir), path, "weave/M1", "main")).rejects.toMatchObject({ code: "worktree-conflict" });
    expect(existsSync(join(path, "notes.txt"))).toBe(true);
  });

  it("eight worktrees added side by side while others are removed all succeed", async (t) => {
    const repo = await repoForTest(t, TEN);
    const git = createRepoGit(repo.dir);
    const wt = (i: number): string => join(repo.dir, `.weave/worktrees/M${i}`);
    await Promise.all([0, 1].map((i) => ensureWorktree(git, wt(i), `weave/M${i}`, "main")));
    await Promise.all([
      ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => ensureWorktree(git, wt(i), `weave/M${i}`, "main")),
      git.removeWorktree(wt(0)), git.deleteBranch("weave/M0"), git.removeWorktree(wt(1)),
    ]);
    for (const i of [2, 3, 4, 5, 6, 7, 8, 9]) expect(existsSync(join(wt(i), ".git"))).toBe(true);
  });
});
