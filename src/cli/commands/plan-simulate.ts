/**
 * `weave plan simulate [PATH] --workers N [--actual durations.json] [--json] [--format text|mermaid]`.
 * Responsibilities: run the live scheduler's rank on a virtual clock and report makespan, lower bound, ratio,
 * utilisation and a Gantt chart; `--actual` replays the same rank on real durations (estimates still decide).
 * Not here: the scheduler and simulator (core/schedule/), chart drawing (core/render/gantt.ts).
 * Invariants: JSON times are seconds; the rank is computed from estimates only, whatever `--actual` says.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { WeaveError } from "../../core/errors.js";
import { formatDuration, parseDuration } from "../../core/plan/duration.js";
import { estimatesOf, rankMilestones, toScheduleGraph } from "../../core/plan/plan-schedule.js";
import type { Plan } from "../../core/plan/plan.js";
import { titleOf } from "../../core/plan/plan.js";
import { renderMermaidGantt, renderTextGantt } from "../../core/render/gantt.js";
import { simulateSchedule } from "../../core/schedule/simulate.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";

const USAGE = "weave plan simulate [PATH] [--workers N] [--actual durations.json] [--json] [--format text|mermaid]";

export async function runPlanSimulate(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    { workers: { type: "string" }, actual: { type: "string" }, json: { type: "boolean" }, format: { type: "string", default: "text" } },
    USAGE,
  );
  const plan = await readPlan(io, positionals[0]);
  const workers = values.workers === undefined ? plan.max_workers : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) throw new WeaveError("usage", `--workers must be a whole number from 1 to 1024, not "${values.workers}"`);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "mermaid") throw new WeaveError("usage", `--format must be text or mermaid, not "${format}"`, { hint: `usage: ${USAGE}` });

  const rankById = rankMilestones(plan, workers);
  const durations = values.actual ? await readActualDurations(io, values.actual, plan) : estimatesOf(plan);
  const result = simulateSchedule(toScheduleGraph(plan), { workers, rank: plan.milestones.map((m) => rankById.get(m.id)!), durations });
  const ratio = result.lowerBound > 0 ? result.makespan / result.lowerBound : 1;
  const bars = result.schedule.map((s) => ({ id: plan.milestones[s.node]!.id, title: titleOf(plan.milestones[s.node]!), start: s.start, end: s.end, worker: s.worker }));

  if (values.json) {
    write(io.stdout, JSON.stringify({
      workers,
      makespan: result.makespan,
      lower_bound: result.lowerBound,
      ratio,
      utilisation: result.utilisation,
      schedule: bars.map((b) => ({ id: b.id, start: b.start, end: b.end, worker: b.worker })),
    }, null, 2));
    return 0;
  }
  const title = `${plan.milestones.length} milestones on ${workers} worker${workers === 1 ? "" : "s"}: makespan ${formatDuration(result.makespan)}`;
  if (format === "mermaid") {
    write(io.stdout, renderMermaidGantt(bars, title));
    return 0;
  }
  write(io.stdout, [
    `Simulated ${plan.milestones.length} milestones on ${workers} worker${workers === 1 ? "" : "s"}${values.actual ? ` (actual durations from ${values.actual})` : " (estimates)"}`,
    `  makespan     ${formatDuration(result.makespan)} (${result.makespan} s)`,
    `  lower bound  ${formatDuration(result.lowerBound)} (${round(result.lowerBound)} s) = max(critical path, total work / ${workers})`,
    `  ratio        ${ratio.toFixed(3)}`,
    `  utilisation  ${(result.utilisation * 100).toFixed(1)} %`,
    "",
    renderTextGantt(bars),
    "```mermaid",
    renderMermaidGantt(bars, title).trimEnd(),
    "```",
  ].join("\n"));
  return 0;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** `{ "M001": "45m", "M002": 1200 }` → seconds per milestone, estimates filling the gaps. */
async function readActualDurations(io: CliIo, path: string, plan: Plan): Promise<number[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(resolve(io.cwd, path), "utf8"));
  } catch (e) {
    throw new WeaveError("usage", `--actual ${path}: ${(e as Error).message}`, { hint: 'give a JSON object of durations by ID, e.g. {"M001": "45m", "M002": 1200}' });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new WeaveError("usage", `--actual ${path}: expected a JSON object of durations by milestone ID`);
  const entries = data as Record<string, unknown>;
  const known = new Set(plan.milestones.map((m) => m.id));
  const problems: string[] = [];
  for (const [id, value] of Object.entries(entries)) {
    if (!known.has(id)) problems.push(`${id} is not in the plan`);
    else if ((typeof value !== "string" && typeof value !== "number") || parseDuration(value) === undefined) problems.push(`${id}: ${JSON.stringify(value)} is not a duration`);
  }
  if (problems.length > 0) throw new WeaveError("usage", `--actual ${path}: ${problems.join("; ")}`);
  const estimates = estimatesOf(plan);
  return plan.milestones.map((m, i) => {
    const value = entries[m.id];
    return value === undefined ? estimates[i]! : parseDuration(value as string | number)!;
  });
}
