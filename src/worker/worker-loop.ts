/**
 * Worker loop: run one milestone's tasks in its checkout, checkpoint after each, then the verify gate.
 * Responsibilities: refuse a wrong checkout, resume after the last checkpoint, retry a failing task, heartbeat, read
 * cost, obey pause (after the task) and stop (SIGTERM the task, checkpoint what exists), report the outcome.
 * Not here: creating the checkout (local/worktrees.ts, the workflow), transport (ports/reporter.ts), OS signals (worker-main).
 * Invariants: a finished task is committed before the next starts, so a crash loses at most the task in flight;
 * plan text reaches commands only through the environment.
 */
import { createWriteStream } from "node:fs";
import { WeaveError } from "../core/errors.js";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import type { Reporter, WorkerStatus } from "../ports/reporter.js";
import { agentTaskEnv, describeExit, runAgentTask } from "./agent-task.js";
import type { TaskRun } from "./agent-task.js";
import { formatCheckpointMessage, progressFrom } from "./checkpoint.js";
import type { SignalBox } from "./signal-box.js";
import { createStatusSender } from "./status-sender.js";
import type { WorkerGit } from "./worker-git.js";

/** What every worker run (the task loop, a resolve run) is given. */
export interface WorkerRunOptions {
  plan: Plan;
  milestoneId: string;
  runId: string;
  cwd: string;
  /** When set, HEAD must be exactly this commit before anything runs. */
  expectedHead?: string;
  reporter: Reporter;
  signals: SignalBox;
  /** Base environment of the agent and verify commands. */
  env: NodeJS.ProcessEnv;
  costFile: string;
  logPath?: string;
  commandOverride?: string;
  now?: () => Date;
}

export interface WorkerLoopOptions extends WorkerRunOptions {
  /** The target ref: commits on HEAD but not on it are this milestone's checkpoints. */
  base: string;
  git: WorkerGit;
}

export { WORKER_ENV_MARK } from "./agent-task.js";

export async function runWorkerLoop(options: WorkerLoopOptions): Promise<WorkerStatus> {
  const { plan, git, reporter, signals } = options;
  const now = options.now ?? (() => new Date());
  const milestone = findMilestone(plan, options.milestoneId);
  if (!milestone) throw new WeaveError("unknown-milestone", `${options.milestoneId} is not in ${plan.file}`);
  const command = options.commandOverride ?? plan.worker.command;
  const log = options.logPath ? createWriteStream(options.logPath, { flags: "a" }) : undefined;
  const { status, send } = createStatusSender(milestone, options.runId, reporter, signals, now);

  try {
    const [head, messages] = await Promise.all([verifyCheckout(milestone, git, options.expectedHead), git.messagesSince(options.base)]);
    // Whatever is uncommitted was left by a task that died in flight: start it again from its checkpoint.
    if (await git.isDirty()) await git.discardChanges();
    const progress = progressFrom(messages, milestone.id);
    await send({ state: "running", tasksDone: progress.tasksDone, costUsd: progress.costUsd, headSha: head });

    for (let task = progress.tasksDone + 1; task <= milestone.tasks.length; task++) {
      if (signals.current) return await finish(signals.current === "stop" ? "stopped" : "paused");
      const text = milestone.tasks[task - 1]!;
      let result: TaskRun | undefined;
      for (let attempt = 0; attempt <= plan.retries; attempt++) {
        if (attempt > 0) await git.discardChanges();
        await send({ state: "running", currentTask: task, currentTaskText: text });
        result = await runTask(command, taskEnv(task, text));
        if (result.ok || result.interrupted) break;
      }
      if (result!.interrupted) {
        await checkpoint(task, text, result!.costUsd, true);
        return await finish("stopped");
      }
      if (!result!.ok) return await finish("failed", { error: `task ${task}/${milestone.tasks.length} failed after ${plan.retries + 1} attempt${plan.retries ? "s" : ""}: ${describeExit(result!.process)}`, lastOutput: result!.process.tail.slice(-20) });
      await checkpoint(task, text, result!.costUsd, false);
      await send({ tasksDone: task, currentTask: undefined, currentTaskText: undefined });
    }
    return await verifyGate();
  } catch (e) {
    if (e instanceof WeaveError && e.code === "wrong-checkout") throw e;
    return await finish("failed", { error: e instanceof Error ? e.message : String(e) });
  } finally {
    log?.end();
  }

  function taskEnv(task: number, text: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return agentTaskEnv({ base: options.env, milestone: milestone!, runId: options.runId, costFile: options.costFile, task, text, extra });
  }

  async function runTask(shellCommand: string, env: NodeJS.ProcessEnv): Promise<TaskRun> {
    return await runAgentTask(shellCommand, env, {
      plan, cwd: options.cwd, costFile: options.costFile, signals, log,
      onPid: (pid) => void (status.taskPid = pid),
      beat: () => void send().catch(() => undefined),
    });
  }

  async function checkpoint(task: number, text: string, costUsd: number, partial: boolean, subject?: string): Promise<void> {
    const sha = await git.commitAll(formatCheckpointMessage({ milestone: milestone!.id, task, of: milestone!.tasks.length, taskText: text, costUsd, partial, subject }));
    await git.publish();
    status.costUsd += costUsd;
    status.headSha = sha;
  }

  async function verifyGate(): Promise<WorkerStatus> {
    const verify = plan.worker.verify;
    if (!verify) return await finish("finished");
    const m = milestone!.tasks.length;
    for (let attempt = 1; ; attempt++) {
      if (signals.current === "stop") return await finish("stopped");
      const started = Date.now();
      await send({ state: "verifying", verify: { state: "running", attempt } });
      const check = await runTask(verify, taskEnv(m, "verify", { WEAVE_VERIFY: "1" }));
      const durationMs = Date.now() - started;
      if (check.interrupted) return await finish("stopped", { verify: { state: "failed", attempt, durationMs, exitCode: null } });
      if (check.ok) return await finish("finished", { verify: { state: "passed", attempt, durationMs, exitCode: 0 } });
      const output = check.process.tail.slice(-30);
      if (attempt > plan.worker.verify_retries) {
        return await finish("failed", {
          verify: { state: "failed", attempt, durationMs, exitCode: check.process.exitCode },
          error: `verify \`${verify}\` failed (${describeExit(check.process)}) after ${attempt - 1} fix pass${attempt === 2 ? "" : "es"}`,
          lastOutput: output,
        });
      }
      await send({ state: "running", verify: { state: "failed", attempt, durationMs, exitCode: check.process.exitCode }, currentTask: m, currentTaskText: "fix the verify failure" });
      const fixText = `Fix what makes \`${verify}\` fail. Its output is in $WEAVE_VERIFY_OUTPUT.`;
      const fix = await runTask(command, taskEnv(m, fixText, { WEAVE_VERIFY_OUTPUT: output.join("\n"), WEAVE_FIX_PASS: String(attempt) }));
      if (fix.interrupted) {
        await checkpoint(m, fixText, fix.costUsd, true, `weave(${milestone!.id}): partial verify fix pass ${attempt}`);
        return await finish("stopped");
      }
      await checkpoint(m, fixText, fix.costUsd, false, `weave(${milestone!.id}): verify fix pass ${attempt}`);
    }
  }

  async function finish(state: WorkerStatus["state"], patch: Partial<WorkerStatus> = {}): Promise<WorkerStatus> {
    const headSha = status.headSha ?? (await git.head().catch(() => undefined));
    await send({ ...patch, state, headSha, currentTask: undefined, currentTaskText: undefined }).catch(() => undefined);
    return { ...status };
  }
}

/** HEAD's commit, once the checkout is known to be the milestone's branch at the expected commit. */
export async function verifyCheckout(milestone: Milestone, git: WorkerGit, expectedHead?: string): Promise<string> {
  const { branch, head } = await git.whereAmI();
  const want = `weave/${milestone.id}`;
  if (branch !== want) {
    throw new WeaveError("wrong-checkout", `the checkout is on ${branch ? `branch ${branch}` : "a detached HEAD"}, not ${want}: refusing to start the agent`, { hint: `check out ${want} first` });
  }
  if (expectedHead && head !== expectedHead) {
    throw new WeaveError("wrong-checkout", `${want} is at ${head.slice(0, 12)}, not at the expected ${expectedHead.slice(0, 12)}: refusing to start the agent`, { hint: "the branch moved since the run was dispatched; start it again" });
  }
  return head;
}
