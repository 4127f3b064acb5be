/**
 * Verify gate: run the plan's `worker.verify` command, and on failure hand its output to the agent for a fix pass, up
 * to `worker.verify_retries` passes — the same gate for a milestone's task loop and for a resolve run.
 * Responsibilities: the attempts, their statuses (`verifying`, then passed / failed with exit code and duration), the
 * stop between attempts, the failure once the passes are used up.
 * Not here: running a command (worker/agent-task.ts); what a fix pass leaves behind and how a run ends — the task loop
 * checkpoints each pass (worker/worker-loop.ts), a resolve run checks the merge is still whole and aborts it on any
 * failure (worker/resolve-conflicts.ts): each passes its own `afterFix` and `end`.
 * Invariants: a fix pass runs only after a failed check and never after the last allowed one; a stop seen between
 * attempts or during a check ends the gate as `stopped`; the gate's verdict is always one of passed or ended.
 */
import type { Plan } from "../core/plan/plan.js";
import type { VerifyStatus, WorkerStatus } from "../ports/reporter.js";
import type { TaskRun } from "./agent-task.js";
import type { SignalBox } from "./signal-box.js";

export interface VerifyGateRun {
  plan: Plan;
  signals: SignalBox;
  send(patch: Partial<WorkerStatus>): Promise<unknown>;
  /** Runs the verify command once. */
  runCheck(attempt: number): Promise<TaskRun>;
  /** Runs one fix pass with the failed check's last output (after saying so in a status). */
  runFix(attempt: number, output: readonly string[], failed: VerifyStatus): Promise<TaskRun>;
  /** What a fix pass left: undefined to check again, or the run's end. */
  afterFix(fix: TaskRun, attempt: number): Promise<WorkerStatus | undefined>;
  /** Ends the run (the task loop finishes; a resolve run aborts its merge first). */
  end(state: WorkerStatus["state"], patch: Partial<WorkerStatus>): Promise<WorkerStatus>;
  /** The error of a check that failed with no fix pass left. */
  failure(check: TaskRun, passes: number): string;
}

export type VerifyVerdict = { passed: VerifyStatus } | { ended: WorkerStatus };

export async function runVerifyGate(run: VerifyGateRun): Promise<VerifyVerdict> {
  for (let attempt = 1; ; attempt++) {
    if (run.signals.current === "stop") return { ended: await run.end("stopped", {}) };
    const started = Date.now();
    await run.send({ state: "verifying", verify: { state: "running", attempt } });
    const check = await run.runCheck(attempt);
    const durationMs = Date.now() - started;
    if (check.interrupted) return { ended: await run.end("stopped", { verify: { state: "failed", attempt, durationMs, exitCode: null } }) };
    if (check.ok) return { passed: { state: "passed", attempt, durationMs, exitCode: 0 } };
    const failed: VerifyStatus = { state: "failed", attempt, durationMs, exitCode: check.process.exitCode };
    const output = check.process.tail.slice(-30);
    if (attempt > run.plan.worker.verify_retries) return { ended: await run.end("failed", { verify: failed, error: run.failure(check, attempt - 1), lastOutput: output }) };
    const fix = await run.runFix(attempt, output, failed);
    const ended = await run.afterFix(fix, attempt);
    if (ended) return { ended };
  }
}

/** "after 1 fix pass", "after 2 fix passes". */
export function fixPasses(n: number): string {
  return `after ${n} fix pass${n === 1 ? "" : "es"}`;
}
