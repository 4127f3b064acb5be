/**
 * Action inputs: read and check what the worker workflow passes to the Action.
 * Responsibilities: every input by name, errors that name the bad input, secrets masked before anything is logged.
 * Not here: running the milestone (action/run-milestone.ts).
 * Invariants: pure over the `getInput` it is given (tests pass their own).
 */
import { WeaveError } from "../core/errors.js";
import { parseDuration } from "../core/plan/duration.js";
import { MILESTONE_ID_PATTERN } from "../core/plan/schema.js";

/** run: the milestone's tasks; resolve: merge the target into weave/<ID> and let the agent resolve the conflicts. */
export type ActionMode = "run" | "resolve";
export const ACTION_MODES: readonly ActionMode[] = ["run", "resolve"];

export interface ActionInputs {
  mode: ActionMode;
  milestone: string;
  dispatchId: string;
  sha?: string;
  appUrl?: string;
  command?: string;
  heartbeatIntervalSec?: number;
  token?: string;
  /** The coordinator workflow's file when the coordinator runs inside Actions (no endpoint: the worker reads the ledger). */
  coordinator?: string;
  /** Actions home: the most the milestone may have spent (USD) when this job stops (core/worker-allowance.ts); undefined: none. */
  allowanceUsd?: number;
}

export type GetInput = (name: string) => string;

export function readActionInputs(getInput: GetInput, setSecret: (value: string) => void): ActionInputs {
  const problems: string[] = [];
  const mode = getInput("mode").trim() || "run";
  if (!(ACTION_MODES as readonly string[]).includes(mode)) problems.push(`input \`mode\` must be ${ACTION_MODES.join(" or ")}, not ${JSON.stringify(mode)}`);
  const token = getInput("token").trim() || undefined;
  if (token) setSecret(token);
  const milestone = getInput("milestone").trim();
  if (!milestone) problems.push("input `milestone` is required");
  else if (!MILESTONE_ID_PATTERN.test(milestone)) problems.push(`input \`milestone\` is not a milestone ID: ${JSON.stringify(milestone)}`);
  const dispatchId = getInput("dispatch-id").trim();
  if (!dispatchId) problems.push("input `dispatch-id` is required");
  const sha = getInput("sha").trim() || undefined;
  if (sha && !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) problems.push(`input \`sha\` must be a full commit SHA, not ${JSON.stringify(sha)}`);
  const appUrl = getInput("app-url").trim() || undefined;
  if (appUrl) {
    try {
      const url = new URL(appUrl);
      if (url.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) problems.push("input `app-url` must be an https:// URL");
    } catch {
      problems.push(`input \`app-url\` is not a URL: ${JSON.stringify(appUrl)}`);
    }
  }
  const interval = getInput("heartbeat-interval").trim();
  const heartbeatIntervalSec = interval ? parseDuration(interval) : undefined;
  if (interval && (heartbeatIntervalSec === undefined || heartbeatIntervalSec <= 0)) problems.push(`input \`heartbeat-interval\` must be a duration like 30s, not ${JSON.stringify(interval)}`);
  const allowance = getInput("allowance-usd").trim();
  const allowanceUsd = allowance ? Number(allowance) : undefined;
  if (allowanceUsd !== undefined && !(Number.isFinite(allowanceUsd) && allowanceUsd >= 0)) problems.push(`input \`allowance-usd\` must be a number of USD, not ${JSON.stringify(allowance)}`);
  if (problems.length > 0) throw new WeaveError("usage", problems.join("; "), { hint: "check the `with:` block of the weave step in the worker workflow" });
  return {
    mode: mode as ActionMode, milestone, dispatchId, sha, appUrl, command: getInput("command").trim() || undefined, heartbeatIntervalSec, token, coordinator: getInput("coordinator").trim() || undefined,
    ...(allowanceUsd !== undefined ? { allowanceUsd } : {}),
  };
}
