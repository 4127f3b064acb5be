/**
 * `weave plan check [PATH] [--json]`: validate a plan; exit 0 valid, 1 invalid, 2 usage.
 * Responsibilities: a one-screen summary of a valid plan (size, critical path, overlaps) or every problem.
 * Not here: parsing (core/plan/parse-plan.ts), rendering errors (core/render/error-render.ts; main.ts renders).
 * Invariants: `--json` always prints one JSON document, valid or not.
 */
import { isWeaveError } from "../../core/errors.js";
import type { Problem } from "../../core/errors.js";
import { formatDuration } from "../../core/plan/duration.js";
import { planFileOverlaps } from "../../core/plan/plan-overlaps.js";
import { estimatesOf, toScheduleGraph } from "../../core/plan/plan-schedule.js";
import { bottomLevels } from "../../core/schedule/schedule-graph.js";
import type { CliIo } from "../cli-io.js";
import { DEFAULT_PLAN_PATH, parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";

const USAGE = "weave plan check [PATH] [--json]";

export async function runPlanCheck(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { json: { type: "boolean" } }, USAGE);
  const path = positionals[0] ?? DEFAULT_PLAN_PATH;
  try {
    const plan = await readPlan(io, path);
    const edges = plan.milestones.reduce((n, m) => n + m.depends_on.length, 0);
    const graph = toScheduleGraph(plan);
    const levels = bottomLevels(graph);
    const estimates = estimatesOf(plan);
    const path0 = criticalPath(graph.dependents, levels, estimates).map((i) => plan.milestones[i]!.id);
    const overlaps = planFileOverlaps(plan);
    if (values.json) {
      write(io.stdout, JSON.stringify({ valid: true, file: path, milestones: plan.milestones.length, dependencies: edges, critical_path: path0, critical_path_seconds: Math.max(0, ...levels), file_overlaps: overlaps, problems: [] }, null, 2));
      return 0;
    }
    write(io.stdout, `✓ ${path}: valid plan — ${plan.milestones.length} milestone${plan.milestones.length === 1 ? "" : "s"}, ${edges} dependenc${edges === 1 ? "y" : "ies"}, up to ${plan.max_workers} worker${plan.max_workers === 1 ? "" : "s"}`);
    write(io.stdout, `  critical path: ${path0.join(" → ")} (${formatDuration(Math.max(0, ...levels))})`);
    if (overlaps.length > 0) write(io.stdout, `  ${overlaps.length} pair${overlaps.length === 1 ? "" : "s"} of milestones may run at the same time with overlapping files (see \`weave plan eligible\`)`);
    return 0;
  } catch (e) {
    if (!values.json || !isWeaveError(e) || (e.code !== "plan-invalid" && e.code !== "plan-not-found")) throw e;
    const listed: readonly Problem[] = e.problems.length ? e.problems : [{ message: e.message, hint: e.hint }];
    const problems = listed.map((p) => ({ file: p.location?.file ?? path, line: p.location?.line, column: p.location?.column, message: p.message, hint: p.hint }));
    write(io.stdout, JSON.stringify({ valid: false, file: path, problems }, null, 2));
    return 1;
  }
}

/** Follow the highest bottom level from the best root: the chain that bounds the makespan. */
function criticalPath(dependents: readonly (readonly number[])[], levels: readonly number[], estimates: readonly number[]): number[] {
  const isRoot = new Array<boolean>(levels.length).fill(true);
  dependents.forEach((ds) => ds.forEach((d) => (isRoot[d] = false)));
  let current = -1;
  for (let i = 0; i < levels.length; i++) if (isRoot[i] && (current < 0 || levels[i]! > levels[current]!)) current = i;
  const path: number[] = [];
  while (current >= 0) {
    path.push(current);
    const target = levels[current]! - estimates[current]!;
    current = dependents[current]!.find((d) => Math.abs(levels[d]! - target) < 1e-9) ?? -1;
  }
  return path;
}
