/**
 * Git port: how every home and the worker run git — one call with arguments, a typed result, and git's known
 * failures as WeaveError codes instead of git's words.
 * Implementations: the one executor (git/git-executor.ts), shared by the local CLI, the App's mirror, the Action and
 * the worker; the operations built on it live beside it (git/repo-plumbing.ts) or in a home (local/repo-git.ts).
 * Invariants: `run` rejects only with a WeaveError whose code says what happened (`head-moved`, `ref-missing`,
 * `git-failed`); `exec` never rejects for git's own exit code (for commands whose exit code is the answer); a user's
 * value (a branch, a ref, a path) goes after `--end-of-options` (or `--`) so it can never be read as an option.
 */

/** Environment entries for git (unset entries are left out). */
export type GitEnv = Readonly<Record<string, string | undefined>>;

export interface GitCall {
  /** Entries added to (or replacing) the executor's environment for this call only. */
  env?: GitEnv;
  /** Text written to git's standard input (`hash-object --stdin`, `mktree`); stdin is closed either way. */
  input?: string;
  /** Kill git after this long (a hung fetch or push); the executor's default when absent, none when 0. */
  timeoutMs?: number;
  /** Strings never shown in an error's message (a token that might echo back in git's output). */
  secrets?: readonly string[];
}

export interface GitOutput {
  /** git's exit code; -1 when it could not start or was killed. */
  code: number;
  stdout: string;
  stderr: string;
  /** True when the call hit its timeout and git was killed. */
  timedOut: boolean;
}

export interface Git {
  /** The directory git runs in (a work tree or a bare repository). */
  readonly cwd: string;
  /** git's output on exit 0; otherwise rejects with the failure translated into a WeaveError code. */
  run(args: readonly string[], call?: GitCall): Promise<string>;
  /** git's exit code and output, whatever the exit code; for commands that answer by exit code. */
  exec(args: readonly string[], call?: GitCall): Promise<GitOutput>;
}
