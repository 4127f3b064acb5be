/**
 * Git credentials for the Action's own fetches and pushes: the `token` input as an HTTP header that git reads from
 * its environment (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`), scoped to the server's URL.
 * Responsibilities: the environment of a network git call; hooks off and credential helpers reset in it, so nothing
 * a checkout's `.git/` holds runs while the token is in the environment.
 * Not here: which calls get it (action/run-milestone.ts), the agent's environment (action/agent-environment.ts).
 * Invariants: pure; the token is never in argv or `.git/config`; entries already in `base` are kept and come first.
 */

export interface GitCredentials {
  /** GITHUB_SERVER_URL, e.g. https://github.com. */
  serverUrl: string;
  token: string;
}

/** The header actions/checkout uses: Basic with `x-access-token` as the user. */
export function authorizationHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
}

export function gitCredentialEnv(base: NodeJS.ProcessEnv, credentials: GitCredentials): NodeJS.ProcessEnv {
  const key = `http.${credentials.serverUrl.replace(/\/+$/, "")}/.extraheader`;
  const entries: [string, string][] = [
    // An empty value resets the header list: a header a checkout persisted is not sent beside this one.
    [key, ""],
    [key, authorizationHeader(credentials.token)],
    ["core.hooksPath", "/dev/null"],
    ["credential.helper", ""],
  ];
  const start = Number.parseInt(base.GIT_CONFIG_COUNT ?? "0", 10) || 0;
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_COUNT: String(start + entries.length) };
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = k;
    env[`GIT_CONFIG_VALUE_${start + i}`] = v;
  });
  return env;
}
