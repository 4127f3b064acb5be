/**
 * Agent outcomes: what an agent run's exit code, result line and error output mean, as one clear reason.
 * Responsibilities: Claude's result (`is_error`, `error_max_turns`, `error_max_budget_usd`, `api_error_status`,
 * `permission_denials`), Codex's `turn.failed`, Gemini's exit codes (41 auth, 42 input, 53 turn limit, 55 untrusted
 * folder), the CLI refusals every agent prints (root with skipped permissions, a task read as an option, a missing
 * executable), timeouts and budget stops; whether retrying can help.
 * Not here: running anything (task-process.ts, agent-task.ts), cost (cost-meter.ts).
 * Invariants: pure; the reason is weave's own words (with at most a short quote of the agent's), never raw output.
 * Agents' English is matched only here, at the edge, where an agent gives no code.
 */

export type AgentFamily = "claude" | "codex" | "gemini" | "aider" | "other";

export type OutcomeKind = "ok" | "auth" | "limit" | "permission" | "usage" | "missing" | "timeout" | "budget" | "stopped" | "error";

export interface AgentOutcome {
  ok: boolean;
  kind: OutcomeKind;
  /** Why it failed, in weave's words; undefined when ok. */
  reason?: string;
  /** False when running it again the same way cannot help (auth, limits, refusals, a missing executable). */
  retry: boolean;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A short, single-line quote of an agent's own words. */
export function quote(text: string, max = 200): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Watches stdout lines for the facts an outcome needs; keeps only those, never the output. */
export interface OutcomeWatcher {
  line(text: string, truncated?: boolean): void;
  /** Claude's last `result` object, Codex's failure message, Gemini's result status. */
  readonly facts: OutcomeFacts;
}

export interface OutcomeFacts {
  claudeResult?: Json;
  codexFailure?: string;
  codexTurns: number;
  geminiResultStatus?: string;
}

export function createOutcomeWatcher(): OutcomeWatcher {
  const facts: OutcomeFacts = { codexTurns: 0 };
  const take = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(take);
    if (!isObject(value)) return;
    if (value.type === "result" && ("is_error" in value || "subtype" in value)) facts.claudeResult = value;
    else if (value.type === "result" && typeof value.status === "string") facts.geminiResultStatus = value.status;
    else if (value.type === "turn.failed") facts.codexFailure = isObject(value.error) && typeof value.error.message === "string" ? value.error.message : "turn failed";
    else if (value.type === "turn.completed") facts.codexTurns++;
  };
  return {
    facts,
    line(text, truncated) {
      if (truncated) return;
      const t = text.trim();
      if (t.startsWith("{") || t.startsWith("[")) take(parseJson(t));
    },
  };
}

export interface OutcomeInput {
  family: AgentFamily;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
  /** Set when weave stopped it: a timeout (with its length as written, e.g. "45m"), the budget, or a stop request. */
  stoppedBy?: { kind: "timeout"; after: string } | { kind: "budget" } | { kind: "stop" };
  facts: OutcomeFacts;
  /** The last part of stdout (a pretty-printed JSON result) and of stderr. */
  stdoutTail: string;
  stderrTail: string;
  /** First word of the command, for "not found" messages. */
  executable?: string;
  /** Not an agent (a verify command): only the exit code, a timeout or a stop count. */
  plain?: boolean;
}

const SECRETS: Record<AgentFamily, string> = {
  claude: "ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN",
  codex: "CODEX_API_KEY or OPENAI_API_KEY",
  gemini: "GEMINI_API_KEY",
  aider: "the API key of aider's model (e.g. ANTHROPIC_API_KEY or OPENAI_API_KEY)",
  other: "the agent's API key",
};

function fail(kind: OutcomeKind, reason: string, retry: boolean): AgentOutcome {
  return { ok: false, kind, reason, retry };
}

function authFailure(family: AgentFamily, detail: string): AgentOutcome {
  return fail("auth", `authentication failed (${detail}): set ${SECRETS[family]} as a secret the worker gets (see README, "Agents")`, false);
}

/** The refusals agents print on stderr before doing anything. */
function refusal(input: OutcomeInput): AgentOutcome | undefined {
  const err = input.stderrTail;
  if (/cannot be used with root\/sudo privileges/.test(err)) {
    return fail("permission", "claude refuses --dangerously-skip-permissions as root: set IS_SANDBOX=1 in a container you trust (the claude preset does when it runs as root)", false);
  }
  const unknown = /error: unknown option '([^']*)'/.exec(err);
  if (unknown) {
    return fail("usage", `the agent read ${JSON.stringify(quote(unknown[1]!, 60))} as an option: pass the task after \`--\`, on stdin or from a file ($WEAVE_TASK_FILE; presets do)`, false);
  }
  if (/requires --verbose/.test(err)) return fail("usage", "claude's stream-json output needs --verbose with -p", false);
  return undefined;
}

function claudeOutcome(result: Json): AgentOutcome | undefined {
  const subtype = typeof result.subtype === "string" ? result.subtype : "";
  const text = typeof result.result === "string" ? quote(result.result) : "";
  const status = typeof result.api_error_status === "number" ? result.api_error_status : undefined;
  if (subtype === "error_max_turns") return fail("limit", "claude hit its turn limit (max_turns): raise worker.max_turns or split the task", false);
  if (subtype === "error_max_budget_usd") return fail("budget", "claude hit its budget (--max-budget-usd): the run's budget is spent", false);
  if (result.is_error === true) {
    if (status === 401 || status === 403) return authFailure("claude", `API ${status}${text ? `: ${text}` : ""}`);
    if (status === 429) return fail("limit", `claude was rate limited (API 429)${text ? `: ${text}` : ""}`, true);
    return fail("error", `claude reported an error${status ? ` (API ${status})` : subtype && subtype !== "success" ? ` (${subtype})` : ""}${text ? `: ${text}` : ""}`, true);
  }
  const denials = Array.isArray(result.permission_denials) ? result.permission_denials : [];
  if (denials.length > 0) {
    const tools = [...new Set(denials.map((d) => (isObject(d) && typeof d.tool_name === "string" ? d.tool_name : "?")))].join(", ");
    return fail("permission", `claude was denied ${denials.length} tool call${denials.length === 1 ? "" : "s"} (${tools}): run it with a permission mode that allows edits (the claude preset does)`, false);
  }
  return undefined;
}

function codexOutcome(message: string): AgentOutcome {
  const status = /\bstatus (\d{3})\b/.exec(message)?.[1];
  if (status === "401" || status === "403") return authFailure("codex", `API ${status}`);
  if (status === "429") return fail("limit", `codex was rate limited (API 429): ${quote(message)}`, true);
  return fail("error", `codex turn failed: ${quote(message)}`, true);
}

/** The `error.message` of the JSON Gemini prints on stderr, if any. */
function geminiError(stderr: string): string | undefined {
  const start = stderr.indexOf("{\n");
  const value = start === -1 ? undefined : parseJson(stderr.slice(start).trim());
  return isObject(value) && isObject(value.error) && typeof value.error.message === "string" ? value.error.message : undefined;
}

function geminiOutcome(input: OutcomeInput): AgentOutcome | undefined {
  const detail = geminiError(input.stderrTail);
  const said = detail ? `: ${quote(detail)}` : "";
  switch (input.exitCode) {
    case 41:
      return authFailure("gemini", `exit 41${said}`);
    case 42:
      return fail("usage", `gemini rejected its input (exit 42)${said}`, false);
    case 53:
      return fail("limit", "gemini hit its turn limit (exit 53): raise maxSessionTurns or split the task", false);
    case 55:
      return fail("permission", "gemini refuses to run in an untrusted folder (exit 55): pass --skip-trust (the gemini preset does)", false);
  }
  const api = /"error":\{"code":(\d{3})/.exec(input.stderrTail)?.[1];
  if (input.exitCode !== 0 && api) {
    if (api === "401" || api === "403" || (api === "400" && /API key not valid/.test(input.stderrTail))) return authFailure("gemini", `API ${api}`);
    return fail("error", `gemini's API answered ${api} (exit ${input.exitCode})`, api === "429" || api.startsWith("5"));
  }
  if (input.facts.geminiResultStatus === "error") return fail("error", "gemini reported an error", true);
  return undefined;
}

export function classifyOutcome(input: OutcomeInput): AgentOutcome {
  const family = input.family;
  if (input.spawnError) return fail("missing", `could not start: ${input.spawnError}`, false);
  if (input.stoppedBy?.kind === "timeout") return fail("timeout", `timed out after ${input.stoppedBy.after}`, true);
  if (input.stoppedBy?.kind === "budget") return fail("budget", "the budget is spent", false);
  if (input.stoppedBy?.kind === "stop") return fail("stopped", "stopped", false);
  if (input.plain) {
    if (input.signal) return fail("error", `killed by ${input.signal}`, true);
    return input.exitCode === 0 ? { ok: true, kind: "ok", retry: false } : fail("error", `exit ${input.exitCode}`, true);
  }
  if (input.exitCode === 127) return fail("missing", `exit 127 (command not found${input.executable ? `: \`${input.executable}\`` : ""}): install it in the job (the generated workflow does for presets); not retried`, false);
  const refused = refusal(input);
  if (refused) return refused;
  const claude = input.facts.claudeResult ?? (family === "claude" ? claudeFromTail(input.stdoutTail) : undefined);
  if (claude) {
    const c = claudeOutcome(claude);
    if (c) return c;
  }
  if (input.facts.codexFailure !== undefined) return codexOutcome(input.facts.codexFailure);
  if (family === "gemini") {
    const g = geminiOutcome(input);
    if (g) return g;
  }
  if (input.signal) return fail("error", `killed by ${input.signal}`, true);
  if (input.exitCode !== 0) return fail("error", `exit ${input.exitCode}`, true);
  return { ok: true, kind: "ok", retry: false };
}

function claudeFromTail(stdoutTail: string): Json | undefined {
  const value = parseJson(stdoutTail.trim());
  return isObject(value) && value.type === "result" ? value : undefined;
}
