/**
 * Workflow files as the Actions runner reads them: `.github/workflows/<file>` at the dispatched ref.
 * Responsibilities: parse YAML, check the `workflow_dispatch` trigger and its inputs like GitHub (unexpected,
 * required, choice, ≤ 25 inputs, ≤ 65,535 chars), evaluate the `${{ }}` expressions weave's workflows use
 * (inputs.*, github.*, secrets.*, vars.*, env.*, string literals, `||`), read `concurrency` and `permissions`, and
 * whether an event starts a workflow (`on:` with types, branches and branches-ignore filters).
 * Not here: running jobs (actions-runner.ts). Invariant: an expression it cannot evaluate is an error, never "".
 */
import picomatch from "picomatch";
import { parse } from "yaml";
import { validationFailed } from "./world.js";
import type { AccessLevel } from "./world.js";

export interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown>; id?: string }
export interface Job { name?: string; "runs-on"?: unknown; steps?: Step[]; env?: Record<string, unknown>; permissions?: unknown; concurrency?: unknown; "timeout-minutes"?: number }
export interface InputSpec { description?: string; required?: boolean; default?: unknown; type?: string; options?: string[] }
export interface Workflow {
  path: string; name: string; runName: string | undefined; dispatchInputs: Record<string, InputSpec> | undefined; env: Record<string, unknown>;
  /** `concurrency.queue: max` (GitHub, 2026-05-07): the group's pending runs are all kept, in order, instead of only the newest. */
  concurrency: { group: string; cancelInProgress: boolean; queueMax?: boolean } | undefined; permissions: unknown; jobs: [string, Job][];
  /** The `on:` triggers, each with its filters (null when it has none). */
  triggers: Record<string, unknown>;
}
export type ExpressionContext = Record<string, unknown>;

export class ExpressionError extends Error {}

export function parseWorkflow(path: string, text: string): Workflow {
  const doc = parse(text) as Record<string, unknown> | null;
  if (doc === null || typeof doc !== "object") throw validationFailed(`Workflow ${path} is not a YAML mapping`);
  const on = doc.on ?? doc.true;
  const triggers: Record<string, unknown> = typeof on === "string" ? { [on]: null } : Array.isArray(on) ? Object.fromEntries(on.map((t: string) => [t, null])) : (on as Record<string, unknown> | undefined) ?? {};
  const dispatch = "workflow_dispatch" in triggers ? ((triggers.workflow_dispatch as { inputs?: Record<string, InputSpec> } | null)?.inputs ?? {}) : undefined;
  const concurrency = doc.concurrency;
  return {
    path, name: typeof doc.name === "string" ? doc.name : path, runName: typeof doc["run-name"] === "string" ? doc["run-name"] : undefined, dispatchInputs: dispatch, env: (doc.env as Record<string, unknown> | undefined) ?? {},
    concurrency: concurrency === undefined ? undefined : typeof concurrency === "string" ? { group: concurrency, cancelInProgress: false }
      : { group: String((concurrency as { group?: unknown }).group ?? ""), cancelInProgress: (concurrency as { "cancel-in-progress"?: unknown })["cancel-in-progress"] === true,
        queueMax: (concurrency as { queue?: unknown }).queue === "max" },
    permissions: doc.permissions, jobs: Object.entries((doc.jobs as Record<string, Job> | undefined) ?? {}), triggers,
  };
}

/** The activity types GitHub starts a workflow for when `types:` is not given (the others need it). */
const DEFAULT_TYPES: Record<string, string[] | "all"> = {
  pull_request: ["opened", "synchronize", "reopened"], pull_request_review: "all", merge_group: ["checks_requested"], issue_comment: "all", check_run: "all",
};

/** Whether `workflow` starts for `event` (with its activity `action`, and the `branch` its filters look at: the pushed
 * branch for push, the base for pull_request). Filters: types, branches, branches-ignore; GitHub's glob patterns. */
export function startsOn(workflow: Workflow, event: string, action: string | undefined, branch: string | undefined): boolean {
  if (!(event in workflow.triggers)) return false;
  const filters = (workflow.triggers[event] ?? {}) as { types?: string[] | string; branches?: string[] | string; "branches-ignore"?: string[] | string };
  const list = (value: string[] | string | undefined): string[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
  const types = list(filters.types) ?? DEFAULT_TYPES[event] ?? "all";
  if (action !== undefined && types !== "all" && !types.includes(action)) return false;
  if (branch === undefined || !["push", "pull_request", "pull_request_review", "merge_group"].includes(event)) return true;
  const match = (patterns: string[]): boolean => {
    let matched = false;
    for (const pattern of patterns) {
      if (pattern.startsWith("!")) { if (picomatch.isMatch(branch, pattern.slice(1), { dot: true })) matched = false; } else if (picomatch.isMatch(branch, pattern, { dot: true })) matched = true;
    }
    return matched;
  };
  const branches = list(filters.branches);
  const ignored = list(filters["branches-ignore"]);
  if (branches !== undefined && !match(branches)) return false;
  if (ignored !== undefined && match(ignored)) return false;
  return true;
}

/** Inputs as the run sees them: GitHub's checks, then defaults filled in; all values strings. */
export function resolveInputs(workflow: Workflow, given: Record<string, unknown>): Record<string, string> {
  const specs = workflow.dispatchInputs;
  if (specs === undefined) throw validationFailed("Workflow does not have 'workflow_dispatch' trigger");
  const unexpected = Object.keys(given).filter((k) => !(k in specs));
  if (unexpected.length > 0) throw validationFailed(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const total = Object.values(given).reduce<number>((n, v) => n + String(v).length, 0);
  if (total > 65535) throw validationFailed(`inputs are too large. Inputs must be at most 65,535 characters in total; ${total} were supplied.`);
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name] ?? spec.default;
    if (value === undefined || value === "") {
      if (spec.required === true) throw validationFailed(`Required input '${name}' not provided`);
      out[name] = spec.type === "boolean" ? "false" : "";
      continue;
    }
    const text = String(value);
    if (spec.type === "choice" && !(spec.options ?? []).includes(text)) throw validationFailed(`Provided value '${text}' for input '${name}' not in the list of allowed values`);
    if (spec.type === "boolean" && text !== "true" && text !== "false") throw validationFailed(`Provided value '${text}' for input '${name}' is not a boolean`);
    if (spec.type === "number" && Number.isNaN(Number(text))) throw validationFailed(`Provided value '${text}' for input '${name}' is not a number`);
    out[name] = text;
  }
  return out;
}

/** Replaces every `${{ expr }}` in `template`. */
export function interpolate(template: unknown, context: ExpressionContext): string {
  return String(template ?? "").replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => String(evaluate(expr, context)));
}

export function evaluate(expr: string, context: ExpressionContext): unknown {
  const alternatives = expr.split("||").map((part) => part.trim());
  if (alternatives.length > 1) {
    for (const part of alternatives) { const value = evaluate(part, context); if (value !== "" && value !== undefined && value !== null && value !== false) return value; }
    return evaluate(alternatives[alternatives.length - 1] ?? "''", context);
  }
  const literal = /^'((?:[^']|'')*)'$/.exec(expr);
  if (literal !== null) return (literal[1] ?? "").replace(/''/g, "'");
  if (/^(true|false)$/.test(expr)) return expr === "true";
  if (/^-?\d+(\.\d+)?$/.test(expr)) return Number(expr);
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+|\[\s*'[^']*'\s*\])*$/.test(expr)) throw new ExpressionError(`the stand-in does not evaluate the expression \${{ ${expr} }}`);
  const parts = [...expr.matchAll(/([\w-]+)|\[\s*'([^']*)'\s*\]/g)].map((m) => m[1] ?? m[2] ?? "");
  const [head = ""] = parts;
  if (!(head in context)) throw new ExpressionError(`unknown context '${head}' in \${{ ${expr} }}`);
  let value: unknown = context;
  for (const part of parts) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  return value ?? "";
}

/** GITHUB_TOKEN permissions from `permissions:` (job over workflow); GitHub's permissive default otherwise. */
export function tokenPermissions(workflowLevel: unknown, jobLevel: unknown, fallback: Record<string, AccessLevel>): Record<string, AccessLevel> {
  const spec = jobLevel ?? workflowLevel;
  const scopes = ["actions", "checks", "contents", "deployments", "id-token", "issues", "packages", "pages", "pull-requests", "statuses", "metadata"];
  if (spec === undefined) return { ...fallback };
  if (spec === "write-all") return Object.fromEntries(scopes.map((s) => [s.replace("-", "_"), "write" as const]));
  if (spec === "read-all") return Object.fromEntries(scopes.filter((s) => s !== "id-token").map((s) => [s.replace("-", "_"), "read" as const]));
  const out: Record<string, AccessLevel> = { metadata: "read" };
  for (const [scope, level] of Object.entries((spec as Record<string, string> | null) ?? {})) if (level === "read" || level === "write") out[scope.replace("-", "_")] = level;
  return out;
}
