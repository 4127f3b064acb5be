/**
 * The worker's read of the run ledger over git: `git fetch --depth=1` of `refs/weave/state` with the Action's own
 * token into a private bare repository under RUNNER_TEMP, then `state.json` of that commit.
 * Responsibilities: one fetch and one read per call; the repository's URL from the runner's environment
 * (GITHUB_SERVER_URL/GITHUB_REPOSITORY), not from the checkout's `.git/config`, which the agent can edit.
 * Not here: what the worker makes of the ledger (action/ledger-view.ts, action/ledger-reporter.ts).
 * Invariants: the token is only in git's environment (action/git-credentials.ts), never in argv or a config file;
 * never throws: a failed fetch or read answers undefined (the worker keeps what it knew); no REST call (git
 * fetches do not count against GITHUB_TOKEN's 1,000 REST calls an hour).
 */
import { createGit } from "../git/git-executor.js";

export interface LedgerFetchOptions {
  /** The private bare repository (created on first use). */
  gitDir: string;
  /** The repository's clone URL. */
  url: string;
  /** git's environment for the fetch: the token as a header (action/git-credentials.ts). */
  env: NodeJS.ProcessEnv;
}

const REF = "refs/weave/state";

/** A reader of the ledger's `state.json` (parsed JSON, unchecked), or undefined when it cannot be read. */
export function createLedgerFetch(options: LedgerFetchOptions): { read(): Promise<unknown>; lastError?: string } {
  const executor = createGit("/", { env: options.env, timeoutMs: 60_000 });
  const git = (args: string[]): Promise<string> => executor.run(args);
  let ready: Promise<unknown> | undefined;
  const fetcher: { read(): Promise<unknown>; lastError?: string } = {
    async read() {
      try {
        ready ??= git(["init", "-q", "--bare", options.gitDir]);
        await ready;
        await git(["--git-dir", options.gitDir, "fetch", "-q", "--no-tags", "--depth=1", options.url, `+${REF}:${REF}`]);
        const text = await git(["--git-dir", options.gitDir, "show", `${REF}:state.json`]);
        fetcher.lastError = undefined;
        return JSON.parse(text) as unknown;
      } catch (e) {
        ready = undefined;
        fetcher.lastError = (e as Error).message.split("\n")[0];
        return undefined;
      }
    },
  };
  return fetcher;
}

/** The clone URL of the job's repository. */
export function repositoryGitUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY) return undefined;
  return `${(env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "")}/${env.GITHUB_REPOSITORY}.git`;
}
