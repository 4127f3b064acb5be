/**
 * Worker loop: run one milestone's tasks in its checkout, checkpoint after each, then the verify gate.
 * Responsibilities: refuse a wrong checkout, resume after the last checkpoint, retry a failing task from its
 * checkpoint (dropping what the failed attempt committed) unless retrying cannot help, count every attempt's cost,
 * heartbeat with the live cost, obey pause (after the task), stop (SIGTERM the task, checkpoint what exists) and the
 * live budget, fail a milestone that changed no files (unless `allow_empty`), report the outcome.
 * Not here: creating the checkout (local/worktree-create.ts, the workflow), transport (ports/reporter.ts), OS signals
 * (worker-main), what an agent's output means (agents/), the verify gate's attempts (worker/verify-gate.ts).
 * Invariants: a finished task is committed before the next starts, so a crash loses at most the task in flight;
 * plan text reaches commands only through the environment and the task file; statuses carry weave's reasons.
 */
import { createWriteStream } from "node:fs";
import { WeaveError } from "../core/errors.js";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import type { Reporter, WorkerStatus } from "../ports/reporter.js";
import { agentTaskEnv, describeExit, runAgentTask } from "./agent-task.js";
import type { TaskRun } from "./agent-task.js";
import type { ResolvedAgent } from "./agents/presets.js";
import { resolveAgent } from "./agents/presets.js";
import { formatCheckpointMessage, progressFrom } from "./checkpoint.js";
import { notesFileOf, takeNotes } from "./notes-box.js";
import type { SignalBox } from "./signal-box.js";
import { createStatusSender } from "./status-sender.js";
import type { WorkerGit } from "./worker-git.js";
import { capLine } from "./output-lines.js";
import { fixPasses, runVerifyGate } from "./verify-gate.js";
import { LINE_CAP } from "./task-process.js";

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
  /**
   * USD the run may still spend, not counting this worker's task in flight, as the coordinator last said (asked at
   * every heartbeat with this milestone's settled spend: what it has reported, less the task in flight). Without it,
   * or when it answers undefined, the worker assumes the run's ceiling minus this milestone's own settled spend.
   */
  runBudgetLeftUsd?: (settledUsd: number) => number | undefined;
  /** Instructions sent to this milestone since the last task, taken once each (default: the notes file next to `costFile`, written by `weave tell`). */
  takeNotes?: () => Promise<string | undefined>;
}
export interface WorkerLoopOptions extends WorkerRunOptions {
  /** The target ref: commits on HEAD but not on it are this milestone's checkpoints. */
  base: string;
  git: WorkerGit;
}

export { WORKER_ENV_MARK } from "./agent-task.js";

const ERROR_CAP = 2000;

export async function runWorkerLoop(options: WorkerLoopOptions): Promise<WorkerStatus> {
  const { plan, git, reporter, signals } = options;
  const now = options.now ?? (() => new Date());
  const milestone = findMilestone(plan, options.milestoneId);
  if (!milestone) throw new WeaveError("unknown-milestone", `${options.milestoneId} is not in ${plan.file}`);
  const agent = resolveAgent(plan.worker);
  const command = options.commandOverride ?? agent.command;
  const verifyAgent: ResolvedAgent = { name: "custom", family: "other", command: plan.worker.verify ?? "", cost: "none", rootEnv: {}, executable: "", plain: true };
  const log = options.logPath ? createWriteStream(options.logPath, { flags: "a" }) : undefined;
  const { status, send } = createStatusSender(milestone, options.runId, reporter, signals, now);
  /** Spend recorded in checkpoints or by finished attempts; the live cost of the task in flight comes on top. */
  let settled = 0;
  /** HEAD as weave last left it (checked out, or its own checkpoint); unknown once a command has run that may move it. */
  let knownHead: string | undefined;

  try {
    const [{ head, dirty }, messages] = await Promise.all([verifyCheckout(milestone, git, options.expectedHead), git.messagesSince(options.base)]);
    // Whatever is uncommitted was left by a task that died in flight: start it again from its checkpoint.
    if (dirty) await git.discardChanges();
    knownHead = head;
    const progress = progressFrom(messages, milestone.id);
    settled = progress.costUsd;
    await send({ state: "running", tasksDone: progress.tasksDone, costUsd: settled, costUnknown: progress.costUnknown || undefined, headSha: head });
    let checkpointSha = head;

    for (let task = progress.tasksDone + 1; task <= milestone.tasks.length; task++) {
      if (signals.current) return await finish(signals.current === "stop" ? "stopped" : "paused");
      const text = milestone.tasks[task - 1]!;
      const notes = await (options.takeNotes ?? (() => takeNotes(notesFileOf(options.costFile))))().catch(() => undefined);
      const taskText = notes ? `${text}\n\nNotes from the people running this plan:\n${notes}` : text;
      let result: TaskRun | undefined;
      let taskCost = 0;
      let taskUnknown = false;
      let attempts = 0;
      for (let attempt = 0; attempt <= plan.retries; attempt++) {
        attempts++;
        // A retry starts from the checkpoint: whatever the failed attempt changed or committed is dropped.
        if (attempt > 0) {
          knownHead = undefined;
          await git.resetTo(checkpointSha);
        }
        const left = budgetLeft();
        if (left !== undefined && left <= 0) return await finish("stopped", { error: "the budget is spent" });
        await send({ state: "running", currentTask: task, currentTaskText: capLine(text, LINE_CAP) });
        result = await runTask(command, agent, taskEnv(task, agent.name === "custom" ? text : taskText, { notes, budgetLeftUsd: left }));
        if (result.costUsd === null) taskUnknown = true;
        else taskCost += result.costUsd;
        settled += result.costUsd ?? 0;
        status.costUsd = settled;
        if (taskUnknown) status.costUnknown = true;
        if (result.ok || result.interrupted || !result.outcome.retry) break;
      }
      const run = result!;
      // Stopped (a request, or the budget): keep what exists and what it cost, as a partial checkpoint.
      if (run.interrupted || run.outcome.kind === "budget") {
        await checkpoint({ task, text, costUsd: taskCost, costUnknown: taskUnknown, partial: true, notes });
        return await finish("stopped", run.interrupted ? {} : { error: `task ${task}/${milestone.tasks.length} stopped: ${run.outcome.reason ?? "the budget is spent"}` });
      }
      if (!run.ok) {
        // Drop what the failed attempts changed or committed, but keep what they cost on the branch.
        knownHead = undefined;
        await git.resetTo(checkpointSha).catch(() => undefined);
        if (taskCost > 0 || taskUnknown) {
          const subject = `weave(${milestone.id}): failed task ${task}/${milestone.tasks.length} — its changes dropped, its cost kept`;
          await checkpoint({ task, text, costUsd: taskCost, costUnknown: taskUnknown, partial: true, subject, notes }).catch(() => undefined);
        }
        const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
        return await finish("failed", { error: `task ${task}/${milestone.tasks.length} failed${tries}: ${run.outcome.reason ?? "failed"}`, lastOutput: lastLines(run) });
      }
      checkpointSha = await checkpoint({ task, text, costUsd: taskCost, costUnknown: taskUnknown, partial: false, notes });
      await send({ tasksDone: task, currentTask: undefined, currentTaskText: undefined });
    }
    if (!plan.worker.allow_empty && !(await git.changedSince(options.base))) {
      return await finish("failed", { error: "no changes: the tasks changed no files (set `worker.allow_empty: true` if that is expected)" });
    }
    return await verifyGate();
  } catch (e) {
    if (e instanceof WeaveError && e.code === "wrong-checkout") throw e;
    return await finish("failed", { error: e instanceof Error ? e.message : String(e) });
  } finally {
    log?.end();
  }

  /** What this milestone may still spend: the coordinator's word, else the ceiling minus this milestone's spend. */
  function budgetLeft(): number | undefined {
    const run = options.runBudgetLeftUsd?.(settled);
    if (run !== undefined) return run;
    return plan.budget_ceiling === undefined ? undefined : plan.budget_ceiling - settled;
  }

  function taskEnv(task: number, text: string, more: { notes?: string; budgetLeftUsd?: number; extra?: Record<string, string> } = {}): NodeJS.ProcessEnv {
    return agentTaskEnv({ base: options.env, milestone: milestone!, plan, agent, runId: options.runId, costFile: options.costFile, task, text, ...more });
  }

  async function runTask(shellCommand: string, runAgent: ResolvedAgent, env: NodeJS.ProcessEnv): Promise<TaskRun> {
    knownHead = undefined; // an agent or a verify command may commit
    return await runAgentTask(shellCommand, env, {
      plan, agent: runAgent, cwd: options.cwd, costFile: options.costFile, signals, log,
      onPid: (pid) => void (status.taskPid = pid),
      beat: (live) => void send({ costUsd: settled + (live ?? 0) }).catch(() => undefined),
      budgetLeftUsd: budgetLeft,
    });
  }

  async function checkpoint(c: { task: number; text: string; costUsd: number; costUnknown: boolean; partial: boolean; subject?: string; notes?: string }): Promise<string> {
    knownHead = undefined;
    const sha = await git.commitAll(formatCheckpointMessage({ milestone: milestone!.id, of: milestone!.tasks.length, taskText: c.text, ...c }));
    knownHead = sha;
    await git.publish();
    status.headSha = sha;
    return sha;
  }

  function lastLines(run: TaskRun): string[] {
    const lines = run.process.tail.slice(-20);
    return run.process.resultLine && !lines.includes(capLine(run.process.resultLine, LINE_CAP)) ? [...lines.slice(1), capLine(run.process.resultLine, LINE_CAP)] : lines;
  }

  async function verifyGate(): Promise<WorkerStatus> {
    const verify = plan.worker.verify;
    if (!verify) return await finish("finished");
    const m = milestone!.tasks.length;
    const fixText = `Fix what makes \`${verify}\` fail. Its output is in $WEAVE_VERIFY_OUTPUT.`;
    const verdict = await runVerifyGate({
      plan, signals, send,
      runCheck: () => runTask(verify, verifyAgent, taskEnv(m, "verify", { extra: { WEAVE_VERIFY: "1" } })),
      async runFix(attempt, output, failed) {
        await send({ state: "running", verify: failed, currentTask: m, currentTaskText: "fix the verify failure" });
        return await runTask(command, agent, taskEnv(m, fixText, { extra: { WEAVE_VERIFY_OUTPUT: output.join("\n"), WEAVE_FIX_PASS: String(attempt) } }));
      },
      async afterFix(fix, attempt) {
        const fixCost = fix.costUsd ?? 0;
        settled += fixCost;
        if (fix.costUsd === null) status.costUnknown = true;
        status.costUsd = settled;
        const pass = { task: m, text: fixText, costUsd: fixCost, costUnknown: fix.costUsd === null };
        if (fix.interrupted) {
          await checkpoint({ ...pass, partial: true, subject: `weave(${milestone!.id}): partial verify fix pass ${attempt}` });
          return await finish("stopped");
        }
        await checkpoint({ ...pass, partial: false, subject: `weave(${milestone!.id}): verify fix pass ${attempt}` });
        return undefined;
      },
      end: finish,
      failure: (check, passes) => `verify \`${verify}\` failed (${check.outcome.kind === "timeout" ? check.outcome.reason! : describeExit(check.process)}) ${fixPasses(passes)}`,
    });
    return "ended" in verdict ? verdict.ended : await finish("finished", { verify: verdict.passed });
  }

  async function finish(state: WorkerStatus["state"], patch: Partial<WorkerStatus> = {}): Promise<WorkerStatus> {
    const headSha = knownHead ?? (await git.head().catch(() => status.headSha));
    // A status must fit the App's 256 KiB body limit whatever an error quoted.
    const error = patch.error === undefined ? undefined : capLine(patch.error, ERROR_CAP);
    await send({ ...patch, ...(error === undefined ? {} : { error }), state, headSha, costUsd: settled, currentTask: undefined, currentTaskText: undefined }).catch(() => undefined);
    return { ...status };
  }
}

/** HEAD's commit and whether the checkout is dirty, once it is known to be the milestone's branch at the expected commit. */
export async function verifyCheckout(milestone: Milestone, git: WorkerGit, expectedHead?: string): Promise<{ head: string; dirty: boolean }> {
  const { branch, head, dirty } = await git.whereAmI();
  const want = `weave/${milestone.id}`;
  if (branch !== want) {
    throw new WeaveError("wrong-checkout", `the checkout is on ${branch ? `branch ${branch}` : "a detached HEAD"}, not ${want}: refusing to start the agent`, { hint: `check out ${want} first` });
  }
  if (expectedHead && head !== expectedHead) {
    throw new WeaveError("wrong-checkout", `${want} is at ${head.slice(0, 12)}, not at the expected ${expectedHead.slice(0, 12)}: refusing to start the agent`, { hint: "the branch moved since the run was dispatched; start it again" });
  }
  return { head, dirty };
}
