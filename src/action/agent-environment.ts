/**
 * The agent's environment in a worker job: the step's environment minus whatever would let the agent speak for the
 * job or act with its credentials.
 * Responsibilities: drop the OIDC request variables, the runner's runtime, cache and results service variables, every
 * `INPUT_*` and `STATE_*`, the file commands weave's own steps use (outputs, state, env, path, summary), and any
 * variable that holds the push token's value.
 * Not here: the WEAVE_* variables a task gets (worker/agent-task.ts), git's credentials (action/git-credentials.ts).
 * Invariants: pure; the result never contains a dropped name or a value containing a given secret.
 */

/** Exact names weave keeps for itself: a node action step's file commands, and the job's token if a workflow exported it. */
const OWN_NAMES = new Set(["GITHUB_STATE", "GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_TOKEN"]);
/** Prefixes: OIDC minting, the runner's service tokens, the Action's inputs (the `token` among them) and the post step's state. */
const OWN_PREFIXES = ["ACTIONS_ID_TOKEN_", "ACTIONS_RUNTIME_", "ACTIONS_CACHE_", "ACTIONS_RESULTS_", "INPUT_", "STATE_"];

export interface AgentEnvironment {
  env: NodeJS.ProcessEnv;
  /** Names left out, for the job log (never their values). */
  dropped: string[];
}

/** `secrets`: values no variable of the agent may contain (the push token); blank ones are ignored. */
export function agentEnvironment(stepEnv: NodeJS.ProcessEnv, secrets: readonly (string | undefined)[]): AgentEnvironment {
  const hidden = secrets.filter((s): s is string => typeof s === "string" && s.trim().length > 0);
  const env: NodeJS.ProcessEnv = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(stepEnv)) {
    if (value === undefined) continue;
    const upper = name.toUpperCase();
    if (OWN_NAMES.has(upper) || OWN_PREFIXES.some((p) => upper.startsWith(p)) || hidden.some((s) => value.includes(s))) dropped.push(name);
    else env[name] = value;
  }
  return { env, dropped: dropped.sort() };
}
