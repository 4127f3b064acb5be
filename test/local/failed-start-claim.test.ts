/**
 * Issue 12: a start that fails after the milestone was claimed gives the claim back, so `weave resume` + `weave start`
 * runs it (before: "already claimed by another worker" until `weave doctor --fix`).
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planYaml, repoForTest } from "./local-fixtures.js";

describe("a failed start", () => {
  it("releases its claim: resume and start run the milestone", async (t) => {
    const repo = await repoForTest(t, planYaml(`  - { id: a, tasks: [one], files: ["out/a-*"] }\n`));
    // The worker's log path is a directory: opening it fails after the claim was taken.
    const log = join(repo.dir, ".weave/logs/a.log");
    await mkdir(log, { recursive: true });
    const first = await repo.weave(["start"]);
    expect(first.code, first.stdout).toBe(1);
    let state = await repo.state();
    expect(state.milestones.a!.state).toBe("failed");

    await rm(log, { recursive: true });
    const resume = await repo.weave(["resume", "a"]);
    expect(resume.code, resume.stderr).toBe(0);
    const second = await repo.weave(["start"]);
    expect(second.stdout).not.toContain("already claimed");
    expect(second.code, second.stdout).toBe(0);
    state = await repo.state();
    expect(state.milestones.a!.state).toBe("merged");
  });
});
