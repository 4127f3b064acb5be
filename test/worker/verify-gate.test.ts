/**
 * The verify gate's sequence, as a table: which checks and fix passes run, and how the gate ends, for each way the
 * checks and fix passes go. Pure: checks and fixes are given as results; the end-to-end gate is test/local/verify-gate.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import type { TaskRun } from "../../src/worker/agent-task.js";
import { createSignalBox } from "../../src/worker/signal-box.js";
import { fixPasses, runVerifyGate } from "../../src/worker/verify-gate.js";

type Step = "pass" | "fail" | "interrupted";
const run = (step: Step): TaskRun => ({
  ok: step === "pass",
  interrupted: step === "interrupted",
  costUsd: 0,
  outcome: { ok: step === "pass", kind: step === "pass" ? "ok" : step === "fail" ? "error" : "stopped", retry: true },
  process: { exitCode: step === "pass" ? 0 : step === "fail" ? 1 : null, signal: null, tail: [`check said ${step}`], stdoutTail: "", stderrTail: "" },
});

interface Case {
  name: string;
  retries: number;
  checks: Step[];
  /** What the fix pass's `afterFix` says: "go" checks again, "end" ends the run there. */
  fixes?: ("go" | "end")[];
  stopBeforeCheck?: number;
  want: { verdict: string; log: string[] };
}

const cases: Case[] = [
  { name: "passes at once", retries: 2, checks: ["pass"], want: { verdict: "passed 1", log: ["check 1"] } },
  { name: "fails once, a fix pass, then passes", retries: 2, checks: ["fail", "pass"], want: { verdict: "passed 2", log: ["check 1", "fix 1", "check 2"] } },
  { name: "keeps failing: fix passes up to verify_retries, then failed", retries: 1, checks: ["fail", "fail"], want: { verdict: "failed after 1 fix pass", log: ["check 1", "fix 1", "check 2"] } },
  { name: "no fix passes allowed: failed at once", retries: 0, checks: ["fail"], want: { verdict: "failed after 0 fix passes", log: ["check 1"] } },
  { name: "a stopped check ends it stopped", retries: 2, checks: ["interrupted"], want: { verdict: "stopped", log: ["check 1"] } },
  { name: "a fix pass that ends the run ends the gate", retries: 2, checks: ["fail"], fixes: ["end"], want: { verdict: "fixer ended", log: ["check 1", "fix 1"] } },
  { name: "a stop between attempts ends it before the next check", retries: 2, checks: ["fail", "pass"], stopBeforeCheck: 2, want: { verdict: "stopped", log: ["check 1", "fix 1"] } },
];

describe("verify gate", () => {
  it.each(cases)("$name", async (c) => {
    const plan = parsePlan(`version: 1\nworker:\n  command: x\n  verify: check\n  verify_retries: ${c.retries}\nmilestones:\n  - { id: M1, tasks: [t] }\n`, "weave.yml");
    const signals = createSignalBox();
    const log: string[] = [];
    const ended = (state: WorkerStatus["state"], patch: Partial<WorkerStatus>): WorkerStatus => ({ state, ...patch }) as WorkerStatus;
    const verdict = await runVerifyGate({
      plan, signals,
      send: async () => undefined,
      async runCheck(attempt) {
        log.push(`check ${attempt}`);
        return run(c.checks[attempt - 1]!);
      },
      async runFix(attempt, output, failed) {
        log.push(`fix ${attempt}`);
        expect(output).toEqual([`check said ${c.checks[attempt - 1]}`]);
        expect(failed).toMatchObject({ state: "failed", attempt, exitCode: 1 });
        if (c.stopBeforeCheck === attempt + 1) signals.raise("stop");
        return run("pass");
      },
      async afterFix(_fix, attempt) {
        return c.fixes?.[attempt - 1] === "end" ? ended("failed", { error: "fixer ended" }) : undefined;
      },
      end: async (state, patch) => ended(state, patch),
      failure: (_check, passes) => `failed ${fixPasses(passes)}`,
    });
    const said = "passed" in verdict ? `passed ${verdict.passed.attempt}` : verdict.ended.state === "stopped" ? "stopped" : verdict.ended.error;
    expect({ verdict: said, log }).toEqual(c.want);
  });
});
