/**
 * The one git executor: every git call weave makes — the local coordinator, the App's mirror, the Action, the worker
 * — goes through `createGit` (ports/git.ts), a plain `execFile` of `git` with no shell.
 * Responsibilities: the environment (the process's own, or a given one that replaces it, plus per-executor and
 * per-call entries), standard input, a timeout that kills a hung git, a 64 MiB output ceiling, and failures turned
 * into WeaveError codes by git/git-refusals.ts.
 * Not here: what any git command means (git/repo-plumbing.ts, local/repo-git.ts, worker/worker-git.ts,
 * github/repo-mirror.ts); credentials (each home puts its own in `env`, never in arguments).
 * Invariants: no shell, so no argument is ever interpreted; `exec` never rejects; `run` rejects only with a WeaveError;
 * nothing but `execFile` per call (no wrapper library: simple-git waited 50 ms after every call that printed nothing).
 */
import { execFile } from "node:child_process";
import type { Git, GitCall, GitEnv, GitOutput } from "../ports/git.js";
import { gitRefusal } from "./git-refusals.js";

const MAX_OUTPUT = 64 * 1024 * 1024;

export interface GitExecutorOptions {
  /** The whole environment of every call (e.g. one stripped of a job's secrets); the process's own when absent. */
  env?: GitEnv;
  /** Entries added to that environment on every call (an identity, `GIT_TERMINAL_PROMPT=0`). */
  extraEnv?: GitEnv;
  /** Default timeout of a call, in ms (0 or absent: none). */
  timeoutMs?: number;
  /** The hint of a `git-failed` error from this executor (what the user of this home can do). */
  hint?: string;
  /** Strings never shown in an error's message from this executor (the token its environment carries). */
  secrets?: readonly string[];
}

/** The git executor for a work tree or bare repository at `cwd`. */
export function createGit(cwd: string, options: GitExecutorOptions = {}): Git {
  const envFor = (call: GitCall): NodeJS.ProcessEnv | undefined =>
    call.env || options.extraEnv ? { ...(options.env ?? process.env), ...options.extraEnv, ...call.env } : options.env;
  const exec = (args: readonly string[], call: GitCall = {}): Promise<GitOutput> =>
    new Promise((resolve) => {
      const timeout = call.timeoutMs ?? options.timeoutMs ?? 0;
      const child = execFile("git", args, { cwd, env: envFor(call), maxBuffer: MAX_OUTPUT, timeout, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr, timedOut: false });
        const code = typeof error.code === "number" ? error.code : -1;
        // No exit code: git did not start (ENOENT), was killed (timeout) or flooded its output; say which.
        resolve({ code, stdout, stderr: code === -1 && !stderr.trim() ? error.message : stderr, timedOut: timeout > 0 && error.killed === true });
      });
      child.stdin?.on("error", () => undefined); // git may exit before reading its input (EPIPE): its exit code says what happened
      child.stdin?.end(call.input);
    });
  return {
    cwd,
    exec,
    run: async (args, call = {}) => {
      const output = await exec(args, call);
      if (output.code !== 0) throw gitRefusal(args, output, { secrets: [...(options.secrets ?? []), ...(call.secrets ?? [])], hint: options.hint });
      return output.stdout;
    },
  };
}
