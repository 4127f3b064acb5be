/**
 * Plan parsing: YAML text → a valid `Plan`, or one error listing every problem with file:line:col and a hint.
 * Responsibilities: text checks (empty, binary, not UTF-8), YAML syntax, schema (zod), graph; positions for each.
 * Not here: reading the file (adapters / cli), the schema itself (core/plan/schema.ts), graph algorithms (validate-graph.ts).
 * Invariants: pure; never throws anything but WeaveError("plan-invalid"); problems are sorted by position.
 * Speed: a valid plan takes the fast path (js-yaml, no positions); only an invalid one pays for the positional parse.
 */
import jsyaml from "js-yaml";
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import type { z } from "zod";
import { WeaveError } from "../errors.js";
import type { Problem, SourceLocation } from "../errors.js";
import type { Plan } from "./plan.js";
import { MergeSchema, MilestoneSchema, PlanFileSchema, WorkerSchema } from "./schema.js";
import { suggest } from "./suggest.js";
import { validateGraph } from "./validate-graph.js";
import type { GraphNode, YamlPath } from "./validate-graph.js";

const KEYS_BY_SECTION: Record<string, readonly string[]> = {
  "": Object.keys(PlanFileSchema.shape),
  merge: Object.keys(MergeSchema.shape),
  worker: Object.keys(WorkerSchema.shape),
  milestone: Object.keys(MilestoneSchema.shape),
};

interface Source {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses and validates a plan; throws WeaveError("plan-invalid") listing every problem. */
export function parsePlan(input: string | Uint8Array, file: string): Plan {
  const text = decodeText(input, file);
  if (!/^[ \t]*[^#\s]/m.test(text)) {
    fail(file, [{ message: "the plan is empty", hint: "run `weave init` to write an example plan", location: { file, line: 1, column: 1 } }]);
  }
  return parseFast(text, file) ?? parseWithPositions(text, file);
}

/** The plan if it is valid, else undefined (the positional parse then finds and places every problem). */
function parseFast(text: string, file: string): Plan | undefined {
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: file });
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const parsed = PlanFileSchema.safeParse(value);
  if (!parsed.success || validateGraph(graphNodesOf(value)).length > 0) return undefined;
  return { ...parsed.data, file };
}

function parseWithPositions(text: string, file: string): Plan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    fail(
      file,
      doc.errors.map((e) => ({
        message: `YAML syntax: ${e.message.split("\n")[0]}`,
        hint: "check indentation, colons and quotes around this place",
        location: at(file, lines, e.pos[0]),
      })),
    );
  }
  const source: Source = { file, doc, lines };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch {
    // `yaml` throws (a ReferenceError) when aliases would expand past the limit: an alias bomb, or a plan far too big.
    const alias = /(^|[\s,[{:-])\*[^\s,\]}]+/m.exec(text);
    fail(file, [{
      message: "YAML aliases expand to too many nodes (more than 1000 alias uses): a plan never needs that many",
      hint: "write the repeated parts out, or use fewer `*alias` references",
      location: at(file, lines, alias ? alias.index + alias[1]!.length : 0),
    }]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(file, [{ message: "the plan must be a mapping of keys (version, worker, milestones, …)", location: locate(source, []) }]);
  }
  const problems: Problem[] = [];
  const parsed = PlanFileSchema.safeParse(value);
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(...describeIssue(source, value, issue));
  for (const p of validateGraph(graphNodesOf(value))) {
    const related = p.related ? locate(source, p.related) : undefined;
    problems.push({
      message: related ? `${p.message} (first defined at line ${related.line})` : p.message,
      hint: p.hint,
      location: locate(source, p.path),
    });
  }
  if (problems.length > 0 || !parsed.success) fail(file, problems);
  return { ...parsed.data, file };
}

function decodeText(input: string | Uint8Array, file: string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  if (input.includes(0)) fail(file, [{ message: "this is not a text file (it contains NUL bytes)", hint: "point weave at the YAML plan, e.g. .github/weave.yml" }]);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return fail(file, [{ message: "the plan is not UTF-8 text", hint: "save the file as UTF-8" }]);
  }
}

function fail(file: string, problems: Problem[]): never {
  const sorted = [...problems].sort(
    (a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
  const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
  throw new WeaveError("plan-invalid", `${file} is not a valid plan: ${count}`, {
    problems: sorted,
    hint: "fix the problems listed, then run `weave plan check`",
    location: sorted[0]?.location,
  });
}

function at(file: string, lines: LineCounter, offset: number): SourceLocation {
  const pos = lines.linePos(offset);
  return { file, line: pos.line, column: pos.col };
}

/** Position of the node at `path`, or of its nearest existing parent. */
function locate(source: Source, path: YamlPath, keyOf?: string): SourceLocation {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = (depth === 0 ? source.doc.contents : source.doc.getIn(path.slice(0, depth), true)) as YamlNode | null | undefined;
    if (!node || !("range" in node) || !node.range) continue;
    if (keyOf !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === keyOf);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return at(source.file, source.lines, range[0]);
    }
    return at(source.file, source.lines, node.range[0]);
  }
  return { file: source.file, line: 1, column: 1 };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `M2: depends_on` for milestone fields, `merge.via` elsewhere. */
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

function describeIssue(source: Source, root: unknown, issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const field = fieldName(root, path);
  const value = valueAt(root, path);
  const location = locate(source, path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const allowed = KEYS_BY_SECTION[sectionOf(path) ?? ""] ?? [];
        const near = suggest(key, allowed);
        return {
          message: `unknown key "${key}"${path.length ? ` in ${field}` : ""}`,
          hint: near ? `did you mean "${near}"?` : `allowed keys: ${allowed.join(", ")}`,
          location: locate(source, path, key),
        };
      });
    case "invalid_type":
      if (value === undefined) {
        const key = String(path[path.length - 1]);
        return [{ message: `missing required field "${key}"${path.length > 1 ? ` in ${fieldName(root, path.slice(0, -1))}` : ""}`, hint: `add "${key}:"`, location }];
      }
      return [{
        message: `${field} must be ${article(issue.expected)}, got ${describeValue(value)}`,
        hint: typeof value === "string" && issue.expected === "number" && value.trim() !== "" && !Number.isNaN(Number(value)) ? "remove the quotes" : undefined,
        location,
      }];
    case "invalid_value": {
      if (value === undefined) {
        const key = String(path[path.length - 1]);
        return [{ message: `missing required field "${key}"${path.length > 1 ? ` in ${fieldName(root, path.slice(0, -1))}` : ""}`, hint: `add "${key}: ${String(issue.values[0])}"`, location }];
      }
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
      const custom = !issue.message.startsWith("Too ");
      const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
      const bound = issue.code === "too_small" ? `${inclusive ? "at least" : "more than"} ${String(issue.minimum)}` : `${inclusive ? "at most" : "less than"} ${String(issue.maximum)}`;
      return [{ message: custom ? `${field}: ${issue.message}` : `${field} must be ${bound}${issue.origin === "string" ? " characters long" : issue.origin === "array" ? " items" : ""}, got ${describeValue(value)}`, location }];
    }
    case "invalid_union":
      return [{ message: `${field} must be a duration like 90s, 5m or 1h30m; got ${describeValue(value)}`, location }];
    default:
      return [{ message: `${field}: ${issue.message}`, location }];
  }
}

function article(type: string): string {
  const names: Record<string, string> = { array: "a list", object: "a mapping", string: "a string", number: "a number", boolean: "true or false", int: "a whole number" };
  return names[type] ?? `a ${type}`;
}

/** Lenient view of the milestones for graph checks, so graph problems are reported with schema problems. */
function graphNodesOf(root: unknown): GraphNode[] {
  const milestones = valueAt(root, ["milestones"]);
  if (!Array.isArray(milestones)) return [];
  return milestones.map((m: unknown, i) => {
    const id = valueAt(m, ["id"]);
    const deps = valueAt(m, ["depends_on"]);
    return {
      id: typeof id === "string" || typeof id === "number" ? String(id) : `#${i + 1}`,
      dependsOn: Array.isArray(deps) ? deps.map((d) => String(d)) : [],
    };
  });
}
