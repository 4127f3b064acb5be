/**
 * Agent task: one run of the agent (or verify) command as a worker step, shared by the task loop and the resolve run.
 * Responsibilities: the WEAVE_* environment and task file a task sees, heartbeats while it runs (with the live cost),
 * stop (SIGTERM the group, SIGKILL after `stop_grace`), `task_timeout`, the live budget (stop when the run's spend
 * crosses what was left), reading its cost while it streams and settling it at the end, its outcome.
 * Not here: what to run next or committing (worker-loop.ts, resolve-conflicts.ts), the process (task-process.ts),
 * what output means (agents/).
 * Invariants: plan text reaches commands only through the environment and the task file; the cost file is emptied
 * before each run; a stopped or killed run keeps the cost seen so far.
 */
import type { WriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { formatDuration } from "../core/plan/duration.js";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { titleOf } from "../core/plan/plan.js";
import type { AgentOutcome } from "./agents/agent-outcome.js";
import { classifyOutcome, createOutcomeWatcher } from "./agents/agent-outcome.js";
import { createCostMeter } from "./agents/cost-meter.js";
import type { ResolvedAgent } from "./agents/presets.js";
import type { SignalBox } from "./signal-box.js";
import { startTaskProcess } from "./task-process.js";
import type { TaskProcessResult } from "./task-process.js";

/** Marks a process as a weave worker: `weave start` refuses to run inside one. */
export const WORKER_ENV_MARK = "WEAVE_WORKER";

export interface TaskRun {
  ok: boolean;
  /** Stopped by a stop signal (not by a timeout or the budget). */
  interrupted: boolean;
  /** USD, or null when the agent's output did not say (unknown, never 0). */
  costUsd: number | null;
  outcome: AgentOutcome;
  process: TaskProcessResult;
}

export interface AgentTaskEnvInput {
  base: NodeJS.ProcessEnv;
  milestone: Milestone;
  plan: Plan;
  agent: ResolvedAgent;
  runId: string;
  costFile: string;
  task: number;
  text: string;
  /** USD the run may still spend, when it has a ceiling. */
  budgetLeftUsd?: number;
  /** Instructions people sent with `weave tell` / `/weave tell` since the last task. */
  notes?: string;
  extra?: Record<string, string>;
}

/** Where the task text is written for agents that read it from a file or stdin. */
export function taskFileOf(costFile: string): string {
  return `${costFile}.task.md`;
}

/** The environment every task of a milestone sees. */
export function agentTaskEnv(input: AgentTaskEnvInput): NodeJS.ProcessEnv {
  const { milestone, plan } = input;
  const optional: Record<string, string> = {};
  if (plan.worker.model) optional.WEAVE_MODEL = plan.worker.model;
  if (plan.worker.max_turns) optional.WEAVE_MAX_TURNS = String(plan.worker.max_turns);
  if (input.budgetLeftUsd !== undefined) optional.WEAVE_BUDGET_LEFT_USD = Math.max(0, input.budgetLeftUsd).toFixed(4);
  if (input.notes) optional.WEAVE_NOTES = input.notes;
  const asRoot = process.getuid?.() === 0 ? input.agent.rootEnv : {};
  return {
    ...input.base,
    ...asRoot,
    [WORKER_ENV_MARK]: "1",
    WEAVE_MILESTONE: milestone.id,
    WEAVE_MILESTONE_TITLE: titleOf(milestone),
    WEAVE_TASK: input.text,
    WEAVE_TASK_FILE: taskFileOf(input.costFile),
    WEAVE_TASK_INDEX: String(input.task),
    WEAVE_TASK_COUNT: String(milestone.tasks.length),
    WEAVE_RUN_ID: input.runId,
    WEAVE_COST_FILE: input.costFile,
    WEAVE_FILES: milestone.files.join("\n"),
    ...optional,
    ...input.extra,
  };
}

export interface AgentTaskOptions {
  plan: Plan;
  agent: ResolvedAgent;
  cwd: string;
  costFile: string;
  signals: SignalBox;
  log?: WriteStream;
  /** Called with the task's pid when it starts and `undefined` when it ended. */
  onPid(pid: number | undefined): void;
  /** A heartbeat: once at the start and every `heartbeat_interval` while the task runs, with the cost seen so far. */
  beat(liveCostUsd: number | null): void;
  /** USD this task may still spend before the run's ceiling (undefined: no ceiling), asked at every heartbeat. */
  budgetLeftUsd?(): number | undefined;
}

export async function runAgentTask(shellCommand: string, env: NodeJS.ProcessEnv, options: AgentTaskOptions): Promise<TaskRun> {
  const { plan, signals } = options;
  await writeFile(options.costFile, "");
  await writeFile(taskFileOf(options.costFile), env.WEAVE_TASK ?? "");
  const meter = createCostMeter(options.agent.cost, { prices: plan.worker.prices, model: plan.worker.model });
  const watcher = createOutcomeWatcher();
  const proc = startTaskProcess(shellCommand, {
    cwd: options.cwd, env, log: options.log,
    onStdoutLine(line, truncated) {
      meter.line(line, truncated);
      watcher.line(line, truncated);
    },
  });
  options.onPid(proc.pid);
  options.beat(null);
  const grace = plan.worker.stop_grace * 1000;
  let stoppedBy: { kind: "timeout"; after: string } | { kind: "budget" } | { kind: "stop" } | undefined;
  const stop = (why: NonNullable<typeof stoppedBy>): void => {
    stoppedBy ??= why;
    proc.stop(grace);
  };
  const unsubscribe = signals.onRaise((s) => {
    if (s === "stop") stop({ kind: "stop" });
  });
  if (signals.current === "stop") stop({ kind: "stop" });
  const beat = setInterval(() => {
    const live = meter.current();
    const left = options.budgetLeftUsd?.();
    if (left !== undefined && live !== null && live >= left) stop({ kind: "budget" });
    options.beat(live);
  }, plan.worker.heartbeat_interval * 1000);
  const timeout = plan.worker.task_timeout > 0 ? setTimeout(() => stop({ kind: "timeout", after: formatDuration(plan.worker.task_timeout) }), plan.worker.task_timeout * 1000) : undefined;
  try {
    const result = await proc.done;
    const costFile = await readFile(options.costFile, "utf8").catch(() => "");
    const costUsd = meter.finish({ stdoutTail: result.stdoutTail, costFile });
    const outcome = classifyOutcome({
      family: options.agent.family, exitCode: result.exitCode, signal: result.signal, spawnError: result.spawnError, stoppedBy,
      facts: watcher.facts, stdoutTail: result.stdoutTail, stderrTail: result.stderrTail, executable: options.agent.executable, plain: options.agent.plain,
    });
    return { ok: outcome.ok, interrupted: stoppedBy?.kind === "stop", costUsd, outcome, process: result };
  } finally {
    options.onPid(undefined);
    unsubscribe();
    clearInterval(beat);
    if (timeout) clearTimeout(timeout);
  }
}

/** How a verify command ended (verify commands are not agents: their exit code is all there is). */
export function describeExit(result: TaskProcessResult): string {
  if (result.spawnError) return `could not start: ${result.spawnError}`;
  if (result.signal) return `killed by ${result.signal}`;
  if (result.exitCode === 127) return "exit 127 (command not found)";
  return `exit ${result.exitCode}`;
}
