/**
 * Gate: `worker.verify`. A verify that fails once gets a fix pass (the agent sees the failure in
 * $WEAVE_VERIFY_OUTPUT), passes, and the milestone merges. A verify that keeps failing ends the milestone `failed`
 * with its output, skips its dependents, and `weave merge` refuses it without `--force`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "vitest";
import { checkpoints, repoForTest, planYaml, trailerValues } from "./local-fixtures.js";

const withVerify = (verify: string, body: string): string => planYaml(body).replace("  stop_grace: 1s\n", `  stop_grace: 1s\n  verify: ${JSON.stringify(verify)}\n  verify_retries: 1\n`);

describe.concurrent("the verify gate", () => {
  it("a verify that fails once: a fix pass with the verify output, then it passes and the milestone merges", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, withVerify("test -f fixed.txt || { echo 'fixed.txt is missing'; exit 1; }", `  - { id: feature, tasks: [build it] }
`));
    const log = join(repo.dir, ".weave/agent.log");
    const run = await repo.weave(["start"], { AGENT_LOG: log });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);

    const feature = (await repo.state()).milestones.feature!;
    expect(feature.state).toBe("merged");
    expect(feature.verify).toMatchObject({ state: "passed", attempt: 2 });
    // The agent ran the task, then one fix pass.
    expect((await readFile(log, "utf8")).split("\n").filter(Boolean)).toEqual(["feature:1", "feature:1:fix"]);
    // The fix pass saw the verify's output, and its work is on main as its own checkpoint.
    expect(repo.git("show", "main:fixed.txt")).toBe("fix pass 1\nfixed.txt is missing");
    expect(repo.git("log", "main", "--format=%s")).toContain("weave(feature): verify fix pass 1");
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["feature"]);
    // The status view shows the gate's result and duration.
    expect((await repo.weave(["status"])).stdout).toMatch(/feature\s+merged .*verify passed in \d/);
  });

  it("a verify that always fails: failed with its output, dependents skipped, `weave merge` refuses without --force", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, withVerify("echo broken build; exit 1", `  - { id: feature, tasks: [build it], files: ["out/feature-*", "fixed.txt"] }
  - { id: docs, depends_on: [feature], tasks: [write docs] }
`));
    const run = await repo.weave(["start"]);
    expect(run.code, run.stdout).toBe(1);

    const state = await repo.state();
    const feature = state.milestones.feature!;
    expect(feature.state).toBe("failed");
    expect(feature.verify).toMatchObject({ state: "failed", attempt: 2, exitCode: 1 });
    expect(feature.reason).toMatch(/verify `echo broken build; exit 1` failed \(exit 1\) after 1 fix pass/);
    expect(feature.lastOutput).toContain("broken build");
    expect(state.milestones.docs!.state).toBe("skipped");
    expect(state.milestones.docs!.reason).toContain("feature");
    expect(state.milestones.docs!.attempts).toBe(0);
    expect((await repo.weave(["status"])).stdout).toMatch(/verify failed \(exit 1\) in \d/);
    expect(run.stdout).toMatch(/Failed:\n\s+feature\s+verify `echo broken build; exit 1` failed/);
    expect(run.stdout).toMatch(/│ broken build/);
    expect(run.stdout).toMatch(/Skipped:\n\s+docs\s+.*feature/);
    // The work is kept on the branch: the task and the fix pass.
    expect(checkpoints(repo, "weave/feature")).toEqual(["feature 1/1", "feature 1/1"]);

    const refused = await repo.weave(["merge", "feature"]);
    expect(refused.stdout).toContain("its last verify failed; `weave merge feature --force` lands it anyway");
    expect.soft(refused.code, "a refused merge must not exit 0").not.toBe(0);
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual([]);
    expect((await repo.state()).milestones.feature!.state).toBe("failed");

    const forced = await repo.weave(["merge", "feature", "--force"]);
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(forced.stdout).toContain("feature: merged into main");
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["feature"]);
  });
});
