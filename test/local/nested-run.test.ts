/**
 * Gate: no nested runs. `weave start` inside a weave worker (WEAVE_WORKER=1) refuses with a clear message — both when
 * called with that environment directly and when an agent really calls it from inside a running milestone.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { BIN, repoForTest, planYaml, trailerValues } from "./local-fixtures.js";

describe.concurrent("weave start inside a worker", () => {
  it("refuses with WEAVE_WORKER=1 in the environment, and starts nothing", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, planYaml(`  - { id: solo, tasks: [one] }
`));
    const run = await repo.weave(["start"], { WEAVE_WORKER: "1", WEAVE_MILESTONE: "outer" });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("error: weave start refuses to run inside a weave worker (milestone outer)");
    expect(run.stderr).toMatch(/^hint: /m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(repo.dir, ".weave"))).toBe(false);
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
  });

  it("refuses when an agent runs it from inside a milestone; the outer run carries on", async (test) => {
    const { expect } = test;
    // The "agent" tries to start a swarm of its own and records what happened, then does its real work.
    const command = `node ${JSON.stringify(BIN)} start > nested.txt 2>&1; echo "exit $?" >> nested.txt; node agent.mjs`;
    const repo = await repoForTest(test, planYaml(`  - { id: outer, tasks: [one] }
`).replace("command: node agent.mjs", `command: ${JSON.stringify(command)}`));
    const run = await repo.weave(["start"]);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    const nested = repo.git("show", "main:nested.txt");
    expect(nested).toContain("weave start refuses to run inside a weave worker (milestone outer)");
    expect(nested).toMatch(/exit 1$/);
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["outer"]);
    // The nested call left no branches or worktrees of its own.
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
    expect(repo.git("worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
  });
});
