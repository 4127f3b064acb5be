/**
 * Fault: two independent milestones change the same file. The first to finish merges; the second ends in `conflict`
 * naming the file, nothing is lost, and `weave start` exits 3 (waiting on a person). Resolving in the milestone's
 * worktree and running `weave merge <ID>` lands it.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkpoints, createTestRepo, planYaml, trailerValues } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("a merge conflict between two independent milestones", () => {
  it("stops the second in `conflict` with the file listed (exit 3); resolving and `weave merge` lands it", async () => {
    repo = await createTestRepo(planYaml(`  - { id: left, tasks: [write the shared file], files: ["shared.txt"] }
  - { id: right, tasks: [write the shared file too], files: ["shared.txt"] }
`));
    const mainBefore = repo.git("rev-parse", "main");
    // right finishes well after left, so left merges first and right is the one that conflicts.
    const run = await repo.weave(["start"], {
      AGENT_FILES: JSON.stringify({ left: "shared.txt", right: "shared.txt" }),
      AGENT_SLEEP_BY: JSON.stringify({ left: 100, right: 1500 }),
    });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(3);

    const state = await repo.state();
    expect(state.milestones.left!.state).toBe("merged");
    const right = state.milestones.right!;
    expect(right.state).toBe("conflict");
    expect(right.conflictFiles).toEqual(["shared.txt"]);
    expect(run.stdout).toMatch(/Waiting on you:\n\s+right\s+merge conflict in 1 file: shared\.txt/);
    expect(run.stdout).toContain("resolve in .weave/worktrees/right");
    expect(run.stdout).toContain("`weave merge right`");
    expect(run.stdout).toMatch(/1\/2 merged into main/);

    // Nothing lost: main has left's merge and nothing of right; right's branch keeps its checkpoint.
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["left"]);
    expect(repo.git("rev-list", "--count", `${mainBefore}..main`)).toBe("2"); // left's checkpoint + its merge
    expect(repo.git("show", "main:shared.txt")).toBe("left task 1: write the shared file");
    expect(checkpoints(repo, "weave/right")).toEqual(["right 1/1"]);
    expect(repo.git("show", "weave/right:shared.txt")).toBe("right task 1: write the shared file too");
    expect(() => repo!.git("merge-base", "--is-ancestor", "weave/right", "main")).toThrow(); // right is not in main
    expect(existsSync(join(repo.dir, ".weave/worktrees/right/shared.txt"))).toBe(true);
    expect(repo.git("status", "--porcelain")).toBe(""); // the main checkout was never left mid-merge

    // Resolve in the worktree: merge main there, fix the file, commit.
    const worktree = join(repo.dir, ".weave/worktrees/right");
    const wt = (...args: string[]): string => repo!.git("-C", worktree, ...args);
    expect(() => wt("merge", "-q", "main")).toThrow();
    await writeFile(join(worktree, "shared.txt"), "left and right, resolved\n");
    wt("add", "shared.txt");
    wt("commit", "-q", "--no-edit");

    const merge = await repo.weave(["merge", "right"]);
    expect(merge.stderr).toBe("");
    expect(merge.code, merge.stdout).toBe(0);
    expect(merge.stdout).toContain("right: merged into main");
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["right", "left"]);
    expect(repo.git("show", "main:shared.txt")).toBe("left and right, resolved");
    expect(repo.git("status", "--porcelain")).toBe("");
    expect(checkpoints(repo, "main").sort()).toEqual(["left 1/1", "right 1/1"]);
    expect((await repo.state()).milestones.right!.state).toBe("merged");

    // The run is now complete.
    const again = await repo.weave(["start"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/2\/2 merged into main/);
  });
});
