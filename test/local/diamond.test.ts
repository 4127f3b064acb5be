import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, DIAMOND } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("weave start (end to end, real git and processes)", () => {
  it("runs the diamond plan with 2 workers: API and UI overlap, integration only after both merged", async () => {
    repo = await createTestRepo(DIAMOND);
    const run = await repo.weave(["start"], { AGENT_SLEEP_MS: "400" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Eligible for Parallel Execution (1)");
    expect(run.stdout).toMatch(/4\/4 merged into main/);

    const state = await repo.state();
    const at = (kind: string, id: string): number => Date.parse(state.events.find((e) => e.kind === kind && e.id === id)!.at);
    // API and UI run at the same time.
    expect(at("claimed", "api")).toBeLessThan(at("finished", "ui"));
    expect(at("claimed", "ui")).toBeLessThan(at("finished", "api"));
    // Dependents start only after their dependencies merged.
    expect(at("claimed", "api")).toBeGreaterThanOrEqual(at("merged", "data"));
    expect(at("claimed", "integration")).toBeGreaterThanOrEqual(Math.max(at("merged", "api"), at("merged", "ui")));

    // The history: a merge commit per milestone with its trailer, every task's checkpoint, every file on main.
    const merges = repo.git("log", "--merges", "--format=%(trailers:key=Weave-Merged,valueonly)").split("\n").filter(Boolean);
    expect(merges.sort()).toEqual(["api", "data", "integration", "ui"]);
    const tasks = repo.git("log", "--format=%(trailers:key=Weave-Task,valueonly)").split("\n").filter(Boolean);
    expect(tasks).toHaveLength(7);
    expect(repo.git("ls-files", "out").split("\n").sort()).toEqual([
      "out/api-1.txt", "out/api-2.txt", "out/data-1.txt", "out/data-2.txt", "out/integration-1.txt", "out/ui-1.txt", "out/ui-2.txt",
    ]);
    // Worktrees and branches are cleaned up; the main checkout is clean.
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
    expect(repo.git("status", "--porcelain")).toBe("");
    expect(state.milestones.api!.costUsd).toBeCloseTo(0.02);
  });

  it("--dry-run says what would start and changes nothing", async () => {
    repo = await createTestRepo(DIAMOND);
    const run = await repo.weave(["start", "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("would start data");
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
  });
});
