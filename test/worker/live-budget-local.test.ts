// The live budget across workers, locally: two claude agents (fakes replaying real stream-json usage lines, then
// hanging) each stay under the ceiling alone, but together cross it mid-task; the coordinator, which sees their live
// cost in the heartbeats, stops both within a heartbeat or two — neither had to finish its task first.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoForTest } from "../local/local-fixtures.js";
import { FAKE_AGENT, SAMPLES_DIR } from "./agent-samples.js";

describe("live budget (local)", () => {
  it("the coordinator stops running agents once their streamed spend crosses the ceiling together", async (test) => {
    const bin = mkdtempSync(join(tmpdir(), "weave-fake-bin-"));
    test.onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    writeFileSync(join(bin, "claude"), FAKE_AGENT);
    chmodSync(join(bin, "claude"), 0o755);
    const plan = `version: 1
max_workers: 2
retries: 0
budget_ceiling: 0.35
merge: { via: direct, auto: auto, order: completion }
worker:
  agent: claude
  prices: { claude-opus-4: { input: 5, output: 25 } }
  heartbeat_interval: 200ms
  stop_grace: 1s
  task_timeout: 2m
milestones:
  - { id: a, tasks: [one] }
  - { id: b, tasks: [one] }
`;
    const repo = await repoForTest(test, plan);
    // Three messages of 20000 input tokens each ($0.100025 apiece), 300 ms apart, then no result line: it hangs.
    const steps = [{ stdout: "claude-stream-json-error-max-turns.jsonl", lines: true, delayMs: 300, skip: '{"type":"result"', hang: true }];
    const run = await repo.weave(["start"], { PATH: `${bin}:${process.env.PATH}`, FAKE_STEPS: JSON.stringify(steps), FAKE_LOG: join(bin, "fake.log"), SAMPLES_DIR });
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const state = await repo.state();
    expect(state.budgetStopped).toBe(true);
    expect(state.milestones.a!.state).toBe("stopped");
    expect(state.milestones.b!.state).toBe("stopped");
    const total = state.milestones.a!.costUsd + state.milestones.b!.costUsd;
    expect(total).toBeGreaterThanOrEqual(0.35);
    // Each was stopped before its third message alone would have hung at $0.30 forever (task_timeout is 2 minutes).
    expect(total).toBeLessThan(0.61);
    expect(run.stdout).toMatch(/budget of \$0\.35 reached/);
  });
});
