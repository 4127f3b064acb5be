/**
 * Fault: the worker command fails (exits non-zero, or does not exist). Each task is retried `retries` times, then the
 * milestone is `failed` with its last output; independent milestones carry on and merge; dependents are `skipped`.
 */
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { repoForTest, planYaml, trailerValues } from "./local-fixtures.js";

describe.concurrent("a worker command that fails", () => {
  it("exits non-zero: retried per `retries`, failed with its last output, sibling merges, dependent skipped, exit 1", async (test) => {
    const { expect } = test;
    const plan = planYaml(`  - { id: flaky, tasks: [parse, emit], files: ["out/flaky-*"] }
  - { id: sibling, tasks: [work], files: ["out/sibling-*"] }
  - { id: after, depends_on: [flaky], tasks: [more], files: ["out/after-*"] }
`).replace("retries: 1", "retries: 2");
    const repo = await repoForTest(test, plan);
    const log = join(repo.dir, ".weave/agent.log");
    // Task 1 of flaky succeeds; task 2 always fails.
    const run = await repo.weave(["start"], { AGENT_FAIL: "flaky:2", AGENT_SLEEP_BY: JSON.stringify({ sibling: 600 }), AGENT_LOG: log });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);

    // Attempts, from the agent's own log: task 1 once, task 2 once plus 2 retries; the dependent never ran.
    const calls = (await readFile(log, "utf8")).split("\n").filter(Boolean);
    expect(calls.filter((c) => c === "flaky:1")).toHaveLength(1);
    expect(calls.filter((c) => c === "flaky:2")).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith("after:"))).toHaveLength(0);

    const state = await repo.state();
    const flaky = state.milestones.flaky!;
    expect(flaky.state).toBe("failed");
    expect(flaky.reason).toMatch(/task 2\/2 failed after 3 attempts: exit 3/);
    expect(flaky.lastOutput).toEqual(expect.arrayContaining(["agent: cannot do flaky task 2", "boom: emit"]));
    expect(flaky.tasksDone).toBe(1);
    expect(state.milestones.sibling!.state).toBe("merged");
    expect(state.milestones.after!.state).toBe("skipped");
    expect(state.milestones.after!.reason).toContain("flaky");
    expect(state.milestones.after!.attempts).toBe(0);

    // The summary shows the failure with its output and names the skipped dependent's cause.
    expect(run.stdout).toMatch(/Failed:\n\s+flaky\s+task 2\/2 failed after 3 attempts/);
    expect(run.stdout).toMatch(/│ agent: cannot do flaky task 2/);
    expect(run.stdout).toMatch(/│ boom: emit/);
    expect(run.stdout).toMatch(/Skipped:\n\s+after\s+.*flaky/);
    expect(run.stdout).toMatch(/1\/3 merged into main/);

    // Git: the sibling landed; the failed milestone did not, but its finished task 1 is kept on its branch, and the
    // failed task 2 left only an empty partial checkpoint recording what its attempts cost.
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["sibling"]);
    expect(repo.git("branch", "--list", "weave/*")).toContain("weave/flaky");
    expect(trailerValues(repo, "weave/flaky", "Weave-Task")).toEqual(["2/2 partial", "1/2"]);
    expect(repo.git("branch", "--list", "weave/after")).toBe("");
  });

  it("does not exist: not retried (it cannot help), failed as command-not-found with the shell's words, dependent skipped, exit 1", async (test) => {
    const { expect } = test;
    const plan = planYaml(`  - { id: lonely, tasks: [one] }
  - { id: next, depends_on: [lonely], tasks: [two] }
`).replace("command: node agent.mjs", "command: no-such-agent --go");
    const repo = await repoForTest(test, plan);
    const run = await repo.weave(["start"]);
    expect(run.code).toBe(1);

    const state = await repo.state();
    const lonely = state.milestones.lonely!;
    expect(lonely.state).toBe("failed");
    expect(lonely.reason).toMatch(/task 1\/1 failed: exit 127 \(command not found/);
    expect(lonely.lastOutput?.join("\n")).toMatch(/no-such-agent: (command )?not found/);
    expect(state.milestones.next!.state).toBe("skipped");
    expect(state.milestones.next!.reason).toContain("lonely");
    expect(run.stdout).toMatch(/Failed:\n\s+lonely\s+task 1\/1 failed: exit 127 \(command not found/);
    expect(run.stdout).toMatch(/│ .*no-such-agent: (command )?not found/);

    // One attempt went to the worker's log: a missing executable is not retried.
    const workerLog = await readFile(join(repo.dir, ".weave/logs/lonely.log"), "utf8");
    expect(workerLog.match(/no-such-agent: (command )?not found/g)).toHaveLength(1);
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual([]);
    expect(existsSync(join(repo.dir, ".weave/worktrees/next"))).toBe(false);
  });
});
