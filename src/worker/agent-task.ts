/**
 * Agent task: one run of the agent (or verify) command as a worker step, shared by the task loop and the resolve run.
 * Responsibilities: the WEAVE_* environment a task sees, heartbeats while it runs, stop (SIGTERM the group, SIGKILL
 * after `stop_grace`), `task_timeout`, reading its cost with the plan's cost reader, describing how it ended.
 * Not here: what to run next or committing (worker-loop.ts, resolve-conflicts.ts), the process itself (task-process.ts).
 * Invariants: plan text reaches commands only through the environment; the cost file is emptied before each run.
 */
import type { WriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { titleOf } from "../core/plan/plan.js";
import { COST_READERS } from "./cost.js";
import type { SignalBox } from "./signal-box.js";
import { startTaskProcess } from "./task-process.js";
import type { TaskProcessResult } from "./task-process.js";

/** Marks a process as a weave worker: `weave start` refuses to run inside one. */
export const WORKER_ENV_MARK = "WEAVE_WORKER";

export interface TaskRun {
  ok: boolean;
  /** Stopped by a stop signal (not by a timeout). */
  interrupted: boolean;
  costUsd: number;
  process: TaskProcessResult;
}

export interface AgentTaskEnvInput {
  base: NodeJS.ProcessEnv;
  milestone: Milestone;
  runId: string;
  costFile: string;
  task: number;
  text: string;
  extra?: Record<string, string>;
}

/** The environment every task of a milestone sees. */
export function agentTaskEnv(input: AgentTaskEnvInput): NodeJS.ProcessEnv {
  const { milestone } = input;
  return {
    ...input.base,
    [WORKER_ENV_MARK]: "1",
    WEAVE_MILESTONE: milestone.id,
    WEAVE_MILESTONE_TITLE: titleOf(milestone),
    WEAVE_TASK: input.text,
    WEAVE_TASK_INDEX: String(input.task),
    WEAVE_TASK_COUNT: String(milestone.tasks.length),
    WEAVE_RUN_ID: input.runId,
    WEAVE_COST_FILE: input.costFile,
    WEAVE_FILES: milestone.files.join("\n"),
    ...input.extra,
  };
}

export interface AgentTaskOptions {
  plan: Plan;
  cwd: string;
  costFile: string;
  signals: SignalBox;
  log?: WriteStream;
  /** Called with the task's pid when it starts and `undefined` when it ended. */
  onPid(pid: number | undefined): void;
  /** A heartbeat: called once at the start and every `heartbeat_interval` while the task runs. */
  beat(): void;
}

export async function runAgentTask(shellCommand: string, env: NodeJS.ProcessEnv, options: AgentTaskOptions): Promise<TaskRun> {
  const { plan, signals } = options;
  await writeFile(options.costFile, "");
  const proc = startTaskProcess(shellCommand, { cwd: options.cwd, env, log: options.log });
  options.onPid(proc.pid);
  options.beat();
  const grace = plan.worker.stop_grace * 1000;
  let interrupted = false;
  const unsubscribe = signals.onRaise((s) => {
    if (s === "stop") {
      interrupted = true;
      proc.stop(grace);
    }
  });
  if (signals.current === "stop") {
    interrupted = true;
    proc.stop(grace);
  }
  const beat = setInterval(() => options.beat(), plan.worker.heartbeat_interval * 1000);
  const timeout = plan.worker.task_timeout ? setTimeout(() => proc.stop(grace), plan.worker.task_timeout * 1000) : undefined;
  try {
    const result = await proc.done;
    const costUsd = COST_READERS[plan.worker.cost]({ stdout: result.stdout, costFile: await readFile(options.costFile, "utf8").catch(() => "") });
    return { ok: !interrupted && result.exitCode === 0, interrupted, costUsd, process: result };
  } finally {
    options.onPid(undefined);
    unsubscribe();
    clearInterval(beat);
    if (timeout) clearTimeout(timeout);
  }
}

export function describeExit(result: TaskProcessResult): string {
  if (result.spawnError) return `could not start: ${result.spawnError}`;
  if (result.signal) return `killed by ${result.signal}`;
  if (result.exitCode === 127) return "exit 127 (command not found)";
  return `exit ${result.exitCode}`;
}
