/**
 * `weave start [PATH] [--workers N] [--budget USD] [--dry-run] [--detach]`: run the plan on this machine.
 * Responsibilities: refuse nested runs, validate, print the eligibility report, run the coordinator in the foreground
 * with a live view (or in the background with a log), and end with what waits on whom.
 * Not here: the loop (local/coordinator.ts), preflight (local/preflight.ts).
 * Invariants: exit 0 when every milestone merged, 1 when any failed, 3 when the rest waits on a person.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findEligibility } from "../../core/eligibility.js";
import { WeaveError } from "../../core/errors.js";
import type { MilestoneState } from "../../core/lifecycle.js";
import { renderEligibilityText } from "../../core/render/eligibility-report.js";
import { runCoordinator } from "../../local/coordinator.js";
import { openRun } from "../../local/run-context.js";
import type { RunContext } from "../../local/run-context.js";
import { createRunView } from "../../local/run-view.js";
import { preflight, refuseNestedRun } from "../../local/preflight.js";
import { createRepoGit } from "../../local/repo-git.js";
import { loadRunState } from "../../local/state-store.js";
import { weavePaths } from "../../local/weave-paths.js";
import { decide, sequentialMergeWaits } from "../../reconcile/decide.js";
import { rankMilestones } from "../../core/plan/plan-schedule.js";
import type { CliIo } from "../cli-io.js";
import { DEFAULT_PLAN_PATH, parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";
import { findRepoRoot } from "../repo-root.js";

const USAGE = "weave start [PATH] [--workers N] [--budget USD] [--dry-run] [--detach]";
export const WEAVE_BIN = fileURLToPath(new URL("../../../../bin/weave.js", import.meta.url));

export async function runStart(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    workers: { type: "string" }, budget: { type: "string" }, "dry-run": { type: "boolean" }, detach: { type: "boolean" }, live: { type: "boolean" },
  }, USAGE);
  refuseNestedRun(io.env);
  const planArg = positionals[0] ?? DEFAULT_PLAN_PATH;
  const repo = await findRepoRoot(io.cwd);
  const plan = await readPlan(io, planArg);
  const workers = values.workers === undefined ? plan.max_workers : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new WeaveError("usage", `--workers must be a whole number from 1 to 64, not "${values.workers}"`);
  const budget = values.budget === undefined ? plan.budget_ceiling : Number(values.budget);
  if (budget !== undefined && !(budget > 0)) throw new WeaveError("usage", `--budget must be a positive number of USD, not "${values.budget}"`);

  if (values.detach) return detach(argv, io, repo);
  if (values["dry-run"]) return dryRun(io, repo, plan, planArg, workers, budget);

  const ctx = await openRun({ repo, plan, planPath: resolve(io.cwd, planArg), env: io.env });
  const interrupted = new Promise<void>((done) => process.once("SIGINT", () => done()));
  const live = values.live ?? ("isTTY" in io.stdout && io.stdout.isTTY === true);
  const view = createRunView(io.stdout, { workers, budgetUsd: budget, live });
  try {
    const states = new Map(Object.entries(ctx.state.milestones).map(([id, r]) => [id, r.state]));
    write(io.stdout, renderEligibilityText(findEligibility(plan, states)));
    write(io.stdout, `Running on ${ctx.target} with up to ${workers} worker${workers === 1 ? "" : "s"}${budget !== undefined ? `, budget $${budget.toFixed(2)}` : ""} (run ${ctx.state.runId})\n`);
    const started = Date.now();
    const outcome = await runCoordinator(ctx, { workers, budgetUsd: budget, weaveBin: WEAVE_BIN, view, interrupted });
    view.close();
    if (outcome === "interrupted") {
      write(io.stdout, "\nCoordinator stopped; workers keep running. `weave status` shows them, `weave start` picks the run up again, `weave stop` stops them.");
      return 130;
    }
    write(io.stdout, renderSummary(ctx, (Date.now() - started) / 1000, repo));
    const failed = Object.values(ctx.state.milestones).some((r) => r.state === "failed" || r.state === "skipped");
    return outcome === "complete" ? 0 : failed ? 1 : 3;
  } finally {
    view.close();
    await ctx.lock.release();
  }
}

async function detach(argv: string[], io: CliIo, repo: string): Promise<number> {
  const paths = weavePaths(repo);
  mkdirSync(paths.logs, { recursive: true });
  const out = openSync(paths.coordinatorLog, "a");
  const child = spawn(process.execPath, [WEAVE_BIN, "start", ...argv.filter((a) => a !== "--detach")], { cwd: io.cwd, env: io.env, detached: true, stdio: ["ignore", out, out] });
  child.unref();
  write(io.stdout, `weave coordinator started in the background (PID ${child.pid}); log: ${relative(io.cwd, paths.coordinatorLog) || paths.coordinatorLog}\nWatch it with \`weave status --watch\`; stop it with \`weave stop\`.`);
  return 0;
}

async function dryRun(io: CliIo, repo: string, plan: Awaited<ReturnType<typeof readPlan>>, planArg: string, workers: number, budget: number | undefined): Promise<number> {
  const git = createRepoGit(repo);
  const target = await preflight(git, plan.target, io.env);
  const saved = await loadRunState(weavePaths(repo).state);
  const merged = await git.mergedMilestones(target);
  const states = new Map<string, MilestoneState>(plan.milestones.map((m) => [m.id, merged.has(m.id) ? "merged" : saved?.milestones[m.id]?.state ?? "pending"]));
  write(io.stdout, renderEligibilityText(findEligibility(plan, states)));
  const rank = rankMilestones(plan, workers);
  const actions = decide({
    plan, workers, budgetUsd: budget, budgetStopped: false, costUsd: 0, rankOf: (id) => rank.get(id) ?? 0,
    milestones: new Map(plan.milestones.map((m) => [m.id, { state: states.get(m.id)!, requeues: 0 }])),
  });
  const starts = actions.filter((a) => a.kind === "start").map((a) => a.id);
  write(io.stdout, starts.length ? `Dry run: would start ${starts.join(", ")} on ${target} (${planArg}); nothing was changed.` : "Dry run: nothing would start.");
  return 0;
}

const BUDGET_REACHED = "budget reached";
/** How a run held by its budget goes on: the ceiling is `--budget` or the plan's `budget_ceiling`. */
export const RAISE_BUDGET = "`weave start --budget USD` with a higher budget (or raise `budget_ceiling` in the plan)";

export function renderSummary(ctx: RunContext, seconds: number, repo: string): string {
  const records = Object.entries(ctx.state.milestones);
  const merged = records.filter(([, r]) => r.state === "merged").length;
  const cost = records.reduce((n, [, r]) => n + r.costUsd, 0);
  const out = [``, `Run ${ctx.state.runId}: ${merged}/${records.length} merged into ${ctx.target} in ${seconds.toFixed(1)} s, cost $${cost.toFixed(2)}`];
  const section = (title: string, rows: string[]): void => {
    if (rows.length) out.push(`${title}:`, ...rows);
  };
  const wt = (id: string): string => relative(repo, ctx.paths.worktree(id));
  const waits = sequentialMergeWaits(ctx.plan, new Map(records.map(([id, r]) => [id, r.state])));
  const waitText = (id: string): string | undefined => {
    const on = waits.get(id);
    return on ? `waits for ${on} (${ctx.state.milestones[on]?.state ?? "pending"}) to land first (merge.order: sequential); \`weave merge ${id}\` lands it now` : undefined;
  };
  section("Waiting on you", records.flatMap(([id, r]) => {
    if (r.state === "conflict") return [`  ${id.padEnd(14)} ${r.reason}: ${(r.conflictFiles ?? []).join(", ")}\n  ${" ".repeat(14)} resolve in ${wt(id)} (merge ${ctx.target} there, fix, commit), then \`weave merge ${id}\``];
    if (r.state === "finished") return [`  ${id.padEnd(14)} finished${r.mergeBlocked ? ` but the merge failed: ${r.reason}` : ` — ${waitText(id) ?? `\`weave merge ${id}\` lands it (merge.auto: ${ctx.plan.merge.auto})`}`}`];
    if (r.state === "paused") return [`  ${id.padEnd(14)} paused — \`weave resume ${id}\` then \`weave start\``];
    if (r.state === "stopped" && r.reason === BUDGET_REACHED) return [`  ${id.padEnd(14)} stopped (${BUDGET_REACHED}) — \`weave resume ${id}\`, then ${RAISE_BUDGET}`];
    if (r.state === "stopped") return [`  ${id.padEnd(14)} stopped (${r.reason ?? "by a user"}) — \`weave resume ${id}\` then \`weave start\``];
    return [];
  }));
  section("Failed", records.flatMap(([id, r]) => (r.state === "failed" ? [`  ${id.padEnd(14)} ${r.reason ?? "failed"}`, ...(r.lastOutput ?? []).slice(-5).map((l) => `  ${" ".repeat(14)} │ ${l}`)] : [])));
  section("Skipped", records.flatMap(([id, r]) => (r.state === "skipped" ? [`  ${id.padEnd(14)} ${r.reason ?? ""}`] : [])));
  const blockedBy = (id: string): string => {
    const deps = ctx.plan.milestones.find((m) => m.id === id)!.depends_on.filter((d) => ctx.state.milestones[d]?.state !== "merged");
    if (deps.length) return `waits for ${deps.join(", ")}`;
    return ctx.state.budgetStopped ? `waits: ${BUDGET_REACHED} (${RAISE_BUDGET})` : "waits for a free worker";
  };
  section("Blocked", records.flatMap(([id, r]) => (r.state === "pending" || r.state === "eligible" ? [`  ${id.padEnd(14)} ${blockedBy(id)}`] : [])));
  const warnings = records.filter(([, r]) => r.scopeWarnings?.length);
  section("Scope warnings (files outside declared `files`)", warnings.map(([id, r]) => `  ${id.padEnd(14)} ${r.scopeWarnings!.join(", ")}`));
  return `${out.join("\n")}\n`;
}
