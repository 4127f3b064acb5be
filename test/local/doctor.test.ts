/**
 * `weave doctor [--fix]`: finds a stale coordinator lock, a dead worker, leftover run files and a merged branch left
 * behind; --fix cleans them and a second look is healthy. `weave cleanup` removes settled worktrees.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, DIAMOND } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("weave doctor", () => {
  it("reports what a crash leaves behind, fixes it with --fix, then is healthy", async () => {
    repo = await createTestRepo(DIAMOND);
    expect((await repo.weave(["start"])).code).toBe(0);
    const clean = await repo.weave(["doctor"]);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain("healthy");

    // A crash's leftovers: a dead coordinator's lock, a dead worker in the state, a claim, a merged branch.
    await writeFile(join(repo.dir, ".weave/coordinator.lock"), JSON.stringify({ pid: 999_999, startedAt: new Date().toISOString() }));
    const state = await repo.state();
    (state.milestones.ui as { state: string; pid?: number }).state = "running";
    (state.milestones.ui as { state: string; pid?: number }).pid = 999_998;
    await writeFile(join(repo.dir, ".weave/state.json"), JSON.stringify(state));
    await mkdir(join(repo.dir, ".weave/run"), { recursive: true });
    await writeFile(join(repo.dir, ".weave/run/api.claim"), "{}");
    repo.git("branch", "weave/data");

    const found = await repo.weave(["doctor"]);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/coordinator\.lock: held by PID 999999, which is not running/);
    expect(found.stdout).toMatch(/ui: running, but its worker \(PID 999998\) is gone/);
    expect(found.stdout).toMatch(/\.weave\/run\/api\.\*: api\.claim left for api/);
    expect(found.stdout).toMatch(/weave\/data: data is merged into main/);
    expect(found.stdout).toContain("weave doctor --fix");

    const fixed = await repo.weave(["doctor", "--fix"]);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(existsSync(join(repo.dir, ".weave/coordinator.lock"))).toBe(false);
    expect((await repo.state()).milestones.ui!.state).toBe("stale");
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
    // ui is stale now: the next start resumes it (it was merged already, so git says merged).
    expect((await repo.weave(["doctor"])).stdout).toContain("healthy");
  });

  it("cleanup --dry-run lists and changes nothing; cleanup removes old logs", async () => {
    repo = await createTestRepo(DIAMOND);
    expect((await repo.weave(["start"])).code).toBe(0);
    const dry = await repo.weave(["cleanup", "--older-than", "0s", "--dry-run"]);
    expect(dry.stdout).toMatch(/\.weave\/logs\/data\.log/);
    expect(existsSync(join(repo.dir, ".weave/logs/data.log"))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    const done = await repo.weave(["cleanup", "--older-than", "0s"]);
    expect(done.code).toBe(0);
    expect(existsSync(join(repo.dir, ".weave/logs/data.log"))).toBe(false);
    expect((await repo.weave(["cleanup", "--older-than", "nope"])).code).toBe(2);
  });
});
