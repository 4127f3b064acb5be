/**
 * Task process: run one shell command in its own process group, keep the tail of its output, and stop it politely.
 * Responsibilities: spawn `/bin/sh -c` with the task's environment, stream output to a log, SIGTERM the group then
 * SIGKILL after a grace period.
 * Not here: what to run or when (worker-loop.ts).
 * Invariants: plan text reaches the command only through the environment; stopping twice is harmless.
 */
import { spawn } from "node:child_process";
import type { WriteStream } from "node:fs";

export interface TaskProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process could not be started (ENOENT shell, bad cwd). */
  spawnError?: string;
  stdout: string;
  /** Last lines of stdout and stderr interleaved. */
  tail: string[];
}

export interface TaskProcess {
  pid: number | undefined;
  done: Promise<TaskProcessResult>;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  stop(graceMs: number, signal?: NodeJS.Signals): void;
}

const TAIL_LINES = 40;
const STDOUT_CAP = 4 * 1024 * 1024;

export function startTaskProcess(command: string, options: { cwd: string; env: NodeJS.ProcessEnv; log?: WriteStream }): TaskProcess {
  const child = spawn("/bin/sh", ["-c", command], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  let partial = "";
  let stdout = "";
  const collect = (chunk: Buffer, isStdout: boolean): void => {
    const text = chunk.toString("utf8");
    options.log?.write(chunk);
    if (isStdout && stdout.length < STDOUT_CAP) stdout += text;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    tail.push(...lines);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  child.stdout.on("data", (c: Buffer) => collect(c, true));
  child.stderr.on("data", (c: Buffer) => collect(c, false));
  let killTimer: NodeJS.Timeout | undefined;
  const done = new Promise<TaskProcessResult>((resolve) => {
    let spawnError: string | undefined;
    child.on("error", (e) => (spawnError = e.message));
    child.on("close", (exitCode, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (partial) tail.push(partial);
      resolve({ exitCode, signal, spawnError, stdout, tail: tail.slice(-TAIL_LINES) });
    });
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    pid: child.pid,
    done,
    stop(graceMs, signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(signal);
      killTimer ??= setTimeout(() => signalGroup("SIGKILL"), graceMs);
      killTimer.unref();
    },
  };
}
