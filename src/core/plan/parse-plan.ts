/**
 * Plan parsing: YAML text → a valid `Plan`, or one error listing every problem with file:line:col and a hint.
 * Responsibilities: text checks (empty, binary, not UTF-8), YAML syntax, schema (zod), graph; positions for each.
 * Not here: reading the file (adapters / cli), the schema itself (core/plan/schema.ts), graph algorithms (validate-graph.ts).
 * Invariants: pure; never throws anything but WeaveError("plan-invalid"); problems are sorted by position.
 * Speed: one YAML parser (js-yaml). A valid plan takes the fast path (no positions); only an invalid one is parsed
 * again with a listener that records where every node starts (the `yaml` package, which has positions built in,
 * parses a 4 MB plan 15× slower).
 */
import jsyaml from "js-yaml";
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

/** Where a node starts, and (collections) where its children start: a mapping's as key, value, key, value… */
interface PosNode {
  start: number;
  value: unknown;
  children: PosNode[];
}

interface Source {
  file: string;
  root: PosNode | undefined;
  lineStarts: number[];
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
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const stack: { start: number; children: PosNode[] }[] = [{ start: 0, children: [] }];
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema: jsyaml.CORE_SCHEMA,
      filename: file,
      listener(event, state) {
        if (event === "open") stack.push({ start: nodeStart(text, state.position), children: [] });
        else {
          const node = stack.pop()!;
          // js-yaml composes a block-context node by first trying it as a mapping's key: the one child that came out
          // of that try is this very node.
          const only = node.children.length === 1 ? node.children[0]! : undefined;
          stack[stack.length - 1]!.children.push(only && only.value === state.result ? only : { start: node.start, value: state.result, children: node.children });
        }
      },
    });
  } catch (e) {
    const mark = (e as { mark?: { position?: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    fail(file, [{
      message: `YAML syntax: ${reason.split("\n")[0]}`,
      hint: "check indentation, colons and quotes around this place",
      location: at(file, lineStarts, mark?.position ?? 0),
    }]);
  }
  const source: Source = { file, root: stack[0]!.children[0], lineStarts };
  if (aliasExpansion(value) > MAX_ALIAS_EXPANSION) {
    // Aliases are shared, not copied, when loaded; expanded (the schema check, the job file) they would blow up.
    const alias = /(^|[\s,[{:-])\*[^\s,\]}]+/m.exec(text);
    fail(file, [{
      message: `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_EXPANSION} through \`*alias\` references): a plan never needs that many`,
      hint: "write the repeated parts out, or use fewer `*alias` references",
      location: at(file, lineStarts, alias ? alias.index + alias[1]!.length : 0),
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

const MAX_ALIAS_EXPANSION = 1000;

/** Nodes that `*alias` references add when the value is expanded (0 without aliases); stops counting past the limit. */
function aliasExpansion(root: unknown): number {
  const sizes = new Map<object, number>();
  let extra = 0;
  const size = (v: unknown): number => {
    if (v === null || typeof v !== "object") return 1;
    const known = sizes.get(v);
    if (known !== undefined) {
      extra += known;
      return known;
    }
    sizes.set(v, 1);
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      n += size(child);
      if (extra > MAX_ALIAS_EXPANSION) break;
    }
    sizes.set(v, n);
    return n;
  };
  size(root);
  return extra;
}

/** The first character of the node js-yaml opens at `offset`: past spaces, line breaks and comments. */
function nodeStart(text: string, offset: number): number {
  let i = offset;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const eol = text.indexOf("\n", i);
      if (eol === -1) return text.length;
      i = eol + 1;
    } else return i;
  }
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

function at(file: string, lineStarts: readonly number[], offset: number): SourceLocation {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

/** The node of a collection's child: a mapping's value under `key`, a sequence's item `key`. */
function childAt(node: PosNode, key: PropertyKey): { key?: PosNode; value: PosNode } | undefined {
  if (Array.isArray(node.value)) return typeof key === "number" && node.children[key] ? { value: node.children[key] } : undefined;
  if (node.value === null || typeof node.value !== "object") return undefined;
  for (let i = 0; i + 1 < node.children.length; i += 2) {
    const k = node.children[i]!;
    if (String(k.value) === String(key)) return { key: k, value: node.children[i + 1]! };
  }
  return undefined;
}

/** Position of the node at `path`, or of its nearest existing parent (with `keyOf`: of that key in the mapping at `path`). */
function locate(source: Source, path: YamlPath, keyOf?: string): SourceLocation {
  let node = source.root;
  if (!node) return { file: source.file, line: 1, column: 1 };
  for (const key of path) {
    const next = childAt(node, key);
    if (!next) return at(source.file, source.lineStarts, node.start);
    node = next.value;
  }
  if (keyOf !== undefined) {
    const pair = childAt(node, keyOf);
    if (pair?.key) return at(source.file, source.lineStarts, pair.key.start);
  }
  return at(source.file, source.lineStarts, node.start);
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
