/**
 * Task process: run one shell command in its own process group, keep bounded views of its output, stop it politely.
 * Responsibilities: spawn `/bin/sh -c` with the task's environment, stream the raw bytes to a log, hand each line
 * (ANSI stripped, split in linear time) to the caller, keep the last lines (each capped), the last stdout line that
 * looks like a final result, and the last bytes of stdout and stderr; SIGTERM the group then SIGKILL after a grace.
 * Not here: what the lines mean (agents/), what to run or when (worker-loop.ts, agent-task.ts).
 * Invariants: memory is bounded whatever the agent prints; plan text reaches the command only through the
 * environment and files; stopping twice is harmless.
 */
import { spawn } from "node:child_process";
import type { WriteStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { capLine, createLineSplitter, createTail, createTextTail } from "./output-lines.js";

export interface TaskProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started (ENOENT shell, bad cwd). */
  spawnError?: string;
  /** Last lines of stdout and stderr interleaved, ANSI stripped, each at most LINE_CAP characters. */
  tail: string[];
  /** The last stdout line that starts like a JSON result (`{"type":"result"…`), capped; kept even when the tail moved on. */
  resultLine?: string;
  /** Last STREAM_TAIL characters of stdout and of stderr. */
  stdoutTail: string;
  stderrTail: string;
}

export interface TaskProcess {
  pid: number | undefined;
  done: Promise<TaskProcessResult>;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  stop(graceMs: number, signal?: NodeJS.Signals): void;
}

export interface TaskProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log?: WriteStream;
  /** Each complete stdout line (cut to PARSE_CAP, then `truncated`). */
  onStdoutLine?(line: string, truncated: boolean): void;
}

export const TAIL_LINES = 40;
export const LINE_CAP = 400;
/** The longest stdout line handed whole to the cost and outcome readers (a `--verbose` JSON array is one line). */
export const PARSE_CAP = 8 * 1024 * 1024;
export const STREAM_TAIL = 256 * 1024;
const RESULT_CAP = 64 * 1024;

export function startTaskProcess(command: string, options: TaskProcessOptions): TaskProcess {
  const child = spawn("/bin/sh", ["-c", command], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const tail = createTail<string>(TAIL_LINES);
  let resultLine: string | undefined;
  const stdoutTail = createTextTail(STREAM_TAIL);
  const stderrTail = createTextTail(STREAM_TAIL);
  const out = createLineSplitter({
    parseCap: PARSE_CAP,
    onLine(line, truncated) {
      tail.push(capLine(line, LINE_CAP));
      if (line.startsWith('{"type":"result"')) resultLine = capLine(line, RESULT_CAP);
      options.onStdoutLine?.(line, truncated);
    },
  });
  const err = createLineSplitter({ parseCap: LINE_CAP * 2, onLine: (line) => tail.push(capLine(line, LINE_CAP)) });
  const decoders = { out: new StringDecoder("utf8"), err: new StringDecoder("utf8") };
  child.stdout.on("data", (chunk: Buffer) => {
    options.log?.write(chunk);
    const text = decoders.out.write(chunk);
    stdoutTail.push(text);
    out.push(text);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    options.log?.write(chunk);
    const text = decoders.err.write(chunk);
    stderrTail.push(text);
    err.push(text);
  });
  let killTimer: NodeJS.Timeout | undefined;
  const done = new Promise<TaskProcessResult>((resolve) => {
    let spawnError: string | undefined;
    child.on("error", (e) => (spawnError = e.message));
    child.on("close", (exitCode, signal) => {
      if (killTimer) clearTimeout(killTimer);
      out.push(decoders.out.end());
      err.push(decoders.err.end());
      out.end();
      err.end();
      resolve({ exitCode, signal, spawnError, tail: tail.items(), resultLine, stdoutTail: stdoutTail.text(), stderrTail: stderrTail.text() });
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
