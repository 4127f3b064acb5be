/**
 * Schema problems: the plan schema's zod issues, worded for the person who wrote the plan and placed in the file.
 * Responsibilities: `findSchemaProblems` (check a loaded value; one problem per issue, an unknown key each) and
 * the wording: field names (`milestone M2: depends_on`), values, bounds, suggestions for misspelt keys and values.
 * Not here: the schema (schema.ts); positions (yaml-positions.ts, passed in as `locate`); graph checks
 * (validate-graph.ts).
 * Invariants: pure; decisions read an issue's code and fields (`origin`, bounds, `values`, `keys`), never its text.
 * zod's own English is never shown: checks without a message the schema wrote get the UNWORDED marker, and are worded
 * here; a message the schema wrote is shown as is.
 */
import type { z } from "zod";
import type { Problem, SourceLocation } from "../errors.js";
import { MergeSchema, MilestoneSchema, PlanFileSchema, WorkerSchema } from "./schema.js";
import type { PlanFile } from "./schema.js";
import { suggest } from "./suggest.js";
import type { YamlPath } from "./validate-graph.js";

/** Where a path is in the file (with `keyOf`: that key of the mapping at `path`). */
export type Locate = (path: YamlPath, keyOf?: string) => SourceLocation;

/** Stands for "no message from the schema" on an issue: weave's marker, set through zod's per-parse error map. */
const UNWORDED = "\u0000weave:unworded";

const KEYS_BY_SECTION: Record<string, readonly string[]> = {
  "": Object.keys(PlanFileSchema.shape),
  merge: Object.keys(MergeSchema.shape),
  worker: Object.keys(WorkerSchema.shape),
  milestone: Object.keys(MilestoneSchema.shape),
};

/** The schema's verdict on `root`: its output when valid, and every problem (empty when valid). */
export function findSchemaProblems(root: unknown, locate: Locate): { data?: PlanFile; problems: Problem[] } {
  const parsed = PlanFileSchema.safeParse(root, { error: () => UNWORDED });
  if (parsed.success) return { data: parsed.data, problems: [] };
  return { problems: parsed.error.issues.flatMap((issue) => describeIssue(root, issue, locate)) };
}

function describeIssue(root: unknown, issue: z.core.$ZodIssue, locate: Locate): Problem[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const field = fieldName(root, path);
  const value = valueAt(root, path);
  const location = locate(path);
  const own = issue.message === UNWORDED ? undefined : issue.message;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const allowed = KEYS_BY_SECTION[sectionOf(path) ?? ""] ?? [];
        const near = suggest(key, allowed);
        return {
          message: `unknown key "${key}"${path.length ? ` in ${field}` : ""}`,
          hint: near ? `did you mean "${near}"?` : `allowed keys: ${allowed.join(", ")}`,
          location: locate(path, key),
        };
      });
    case "invalid_type":
      if (value === undefined) return [missing(root, path, "", location)];
      return [{
        message: `${field} must be ${article(issue.expected)}, got ${describeValue(value)}`,
        hint: typeof value === "string" && issue.expected === "number" && value.trim() !== "" && !Number.isNaN(Number(value)) ? "remove the quotes" : undefined,
        location,
      }];
    case "invalid_value": {
      if (value === undefined) return [missing(root, path, ` ${String(issue.values[0])}`, location)];
      if (path.length === 1 && path[0] === "version" && typeof value === "number" && Number.isInteger(value) && value > Number(issue.values[0])) {
        return [{
          message: `this plan is version ${value}, newer than this weave understands (it reads plan version ${String(issue.values[0])})`,
          hint: "upgrade weave (npm i -g weave-plan@latest, or a newer release of the Action), or write the plan for version 1",
          location,
        }];
      }
      const options = issue.values.map((v) => String(v));
      const near = typeof value === "string" ? suggest(value, options) : undefined;
      return [{
        message: options.length === 1 ? `${field} must be ${options[0]}` : `${field} must be one of ${options.join(", ")}; got ${describeValue(value)}`,
        hint: near ? `did you mean "${near}"?` : undefined,
        location,
      }];
    }
    case "too_small":
    case "too_big": {
      if (own !== undefined) return [{ message: `${field}: ${own}`, location }];
      const inclusive = issue.inclusive !== false;
      const bound = issue.code === "too_small" ? `${inclusive ? "at least" : "more than"} ${String(issue.minimum)}` : `${inclusive ? "at most" : "less than"} ${String(issue.maximum)}`;
      const unit = issue.origin === "string" ? " characters long" : issue.origin === "array" ? " items" : "";
      return [{ message: `${field} must be ${bound}${unit}, got ${describeValue(value)}`, location }];
    }
    case "invalid_union":
      // The plan's one union is a duration: a number of seconds or a string like 5m.
      return [{ message: `${field} must be a duration like 90s, 5m or 1h30m; got ${describeValue(value)}`, location }];
    default:
      return [{ message: own !== undefined ? `${field}: ${own}` : `${field} is not valid here (${issue.code.replace(/_/g, " ")}), got ${describeValue(value)}`, location }];
  }
}

/** `missing required field "worker"`, with the line to add (`suffix`: a value to suggest after the colon). */
function missing(root: unknown, path: readonly (string | number)[], suffix: string, location: SourceLocation): Problem {
  const key = String(path[path.length - 1]);
  return { message: `missing required field "${key}"${path.length > 1 ? ` in ${fieldName(root, path.slice(0, -1))}` : ""}`, hint: `add "${key}:${suffix}"`, location };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `milestone M2: depends_on` for milestone fields, `merge.via` elsewhere. */
function fieldName(root: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === "milestones" && typeof path[1] === "number") {
    const id = valueAt(root, ["milestones", path[1], "id"]);
    const owner = typeof id === "string" ? `milestone ${id}` : `milestones[${path[1]}]`;
    const rest = path.slice(2).map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("");
    return rest ? `${owner}: ${rest.replace(/^\./, "")}` : owner;
  }
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)).join("") || "the plan";
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${String(value)}`;
}

function sectionOf(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return "";
  if (path.length === 1 && (path[0] === "merge" || path[0] === "worker")) return String(path[0]);
  if (path.length === 2 && path[0] === "milestones") return "milestone";
  return undefined;
}

function article(type: string): string {
  const names: Record<string, string> = { array: "a list", object: "a mapping", string: "a string", number: "a number", boolean: "true or false", int: "a whole number" };
  return names[type] ?? `a ${type}`;
}
