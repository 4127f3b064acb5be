/**
 * Plan parsing: YAML text → a valid `Plan`, or one error listing every problem with file:line:col and a hint.
 * Responsibilities: the order of checks — text (plan-text.ts), YAML syntax (yaml-syntax.ts), alias bombs
 * (alias-expansion.ts), the top-level shape, schema (schema-problems.ts) and graph (validate-graph.ts) together —
 * and the two paths: a valid plan takes the fast one (js-yaml without positions, zod, the graph: nothing else);
 * only an invalid plan is read again with positions (yaml-positions.ts) to find and place every problem.
 * Not here: reading the file (local/read-plan-file.ts, github/plan-source.ts); the schema (schema.ts); wording.
 * Invariants: pure; never throws anything but WeaveError("plan-invalid"); both paths read the same values (js-yaml,
 * CORE schema), so what is valid never depends on the path.
 */
import jsyaml from "js-yaml";
import type { Problem } from "../errors.js";
import { findAliasBomb } from "./alias-expansion.js";
import type { Plan } from "./plan.js";
import { failPlan } from "./plan-failure.js";
import { decodePlanText } from "./plan-text.js";
import { PlanFileSchema } from "./schema.js";
import { findSchemaProblems } from "./schema-problems.js";
import { validateGraph } from "./validate-graph.js";
import type { GraphNode } from "./validate-graph.js";
import { locate, loadWithPositions } from "./yaml-positions.js";
import { findSyntaxProblems } from "./yaml-syntax.js";

/** Parses and validates a plan; throws WeaveError("plan-invalid") listing every problem. */
export function parsePlan(input: string | Uint8Array, file: string): Plan {
  const text = decodePlanText(input, file);
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
  if (!isMapping(value)) return undefined;
  const parsed = PlanFileSchema.safeParse(value);
  if (!parsed.success || validateGraph(graphNodesOf(value)).length > 0) return undefined;
  return { ...parsed.data, file };
}

function parseWithPositions(text: string, file: string): Plan {
  const loaded = loadWithPositions(text, file);
  if (!loaded.ok) failPlan(file, findSyntaxProblems(text, file, loaded.lineStarts, loaded.offset));
  const { value, source } = loaded;
  const bomb = findAliasBomb(value, text, file, source.lineStarts);
  if (bomb) failPlan(file, [bomb]);
  if (!isMapping(value)) {
    failPlan(file, [{ message: "the plan must be a mapping of keys (version, worker, milestones, …)", location: locate(source, []) }]);
  }
  const schema = findSchemaProblems(value, (path, keyOf) => locate(source, path, keyOf));
  const problems: Problem[] = [...schema.problems];
  for (const p of validateGraph(graphNodesOf(value))) {
    const related = p.related ? locate(source, p.related) : undefined;
    problems.push({
      message: related ? `${p.message} (first defined at line ${related.line})` : p.message,
      hint: p.hint,
      location: locate(source, p.path),
    });
  }
  if (problems.length > 0 || !schema.data) failPlan(file, problems);
  return { ...schema.data, file };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Lenient view of the milestones for graph checks, so graph problems are reported with schema problems. */
function graphNodesOf(root: Record<string, unknown>): GraphNode[] {
  const milestones = root.milestones;
  if (!Array.isArray(milestones)) return [];
  return milestones.map((m: unknown, i) => {
    const id = isMapping(m) ? m.id : undefined;
    const deps = isMapping(m) ? m.depends_on : undefined;
    return {
      id: typeof id === "string" || typeof id === "number" ? String(id) : `#${i + 1}`,
      dependsOn: Array.isArray(deps) ? deps.map((d) => String(d)) : [],
    };
  });
}
