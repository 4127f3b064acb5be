/**
 * `weave plan graph [PATH] --format mermaid|dot [--merged IDS] [--running IDS] [--failed IDS]`.
 * Responsibilities: print the dependency graph, coloured by state when states are given.
 * Not here: drawing (core/render/plan-graph-render.ts).
 * Invariants: prints only the graph text, so the output can be piped to a renderer.
 */
import { WeaveError } from "../../core/errors.js";
import { renderDotGraph, renderMermaidGraph } from "../../core/render/plan-graph-render.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";
import { STATE_FLAG_OPTIONS, statesFromFlags } from "./state-flags.js";

const USAGE = "weave plan graph [PATH] [--format mermaid|dot] [--merged IDS] [--running IDS] [--failed IDS]";

export async function runPlanGraph(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { ...STATE_FLAG_OPTIONS, format: { type: "string", default: "mermaid" } }, USAGE);
  const format = values.format ?? "mermaid";
  if (format !== "mermaid" && format !== "dot") throw new WeaveError("usage", `--format must be mermaid or dot, not "${format}"`, { hint: `usage: ${USAGE}` });
  const plan = await readPlan(io, positionals[0]);
  const states = statesFromFlags(plan, values);
  write(io.stdout, format === "dot" ? renderDotGraph(plan, states) : renderMermaidGraph(plan, states));
  return 0;
}
