/**
 * Local coordinator: the observe → decide → act loop that runs a plan on one machine until nothing more can
 * happen without a person (all merged, or the rest failed, skipped, stopped, in conflict or awaiting a merge).
 * Responsibilities: wake on worker exits, requests and a tick; budget; adopt live workers after a crash; own the run's
 * pool of warm worker processes.
 * Not here: the decisions (reconcile/decide.ts), acting on them (reconcile/apply.ts through local/local-forge.ts over
 * run-actions.ts), observation (run-context.ts, with reconcile/observe.ts), drawing
 * (run-view.ts), the workers themselves (worker-pool.ts, pool-worker-main.ts).
 * Invariants: one coordinator per repository (lock); every tick re-reads the world, so duplicated wake-ups are harmless.
 */
import { watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import { ACTIVE_STATES } from "../core/lifecycle.js";
import { rankMilestones } from "../core/plan/plan-schedule.js";
import { apply, budgetSignal } from "../reconcile/apply.js";
import { isStopLifted, runSpend } from "../reconcile/budget.js";
import { decide } from "../reconcile/decide.js";
import type { Action, MilestoneView } from "../reconcile/decide.js";
import type { Forge } from "../ports/forge.js";
import { ensureDir } from "./atomic-json.js";
import { createLocalForge } from "./local-forge.js";
import { applyRequest, workerEnded } from "./run-actions.js";
import type { RunContext } from "./run-context.js";
import { observe } from "./run-context.js";
import { takeRequests } from "./request-inbox.js";
import { createWorkerPool } from "./worker-pool.js";

export interface RunView {
  update(ctx: RunContext): void;
  event(ctx: RunContext, line: string): void;
}

export interface CoordinatorOptions {
  workers: number;
  budgetUsd?: number;
  weaveBin: string;
  view: RunView;
  tickMs?: number;
  /** Resolves when the user asks the coordinator to leave (Ctrl-C); workers keep running. */
  interrupted?: Promise<void>;
}

export type RunOutcome = "complete" | "waiting" | "interrupted";

export async function runCoordinator(ctx: RunContext, options: CoordinatorOptions): Promise<RunOutcome> {
  const rank = rankMilestones(ctx.plan, options.workers);
  const rankOf = (id: string): number => rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  const children = new Map<string, { alive: boolean }>();
  // A wake-up that arrives while the loop is busy is remembered, so the next wait returns at once (no lost wake-ups:
  // a worker that exits during a pass is seen on the next pass, not after a whole tick).
  let woken = false;
  let onWake: (() => void) | undefined;
  const wake = (): void => {
    woken = true;
    onWake?.();
  };
  let interrupted = false;
  void options.interrupted?.then(() => {
    interrupted = true;
    wake();
  });
  // Cleanups (worktree removal, branch deletion) run one after another, off the merge → start path.
  let background: Promise<void> = Promise.resolve();
  const defer = (task: () => Promise<void>): void => {
    background = background.then(task).catch((e: unknown) => options.view.event(ctx, `cleanup failed: ${(e as Error).message}`));
  };
  await ensureDir(ctx.paths.requests);
  await ensureDir(ctx.paths.logs);
  // Started again with a budget above what was spent (`--budget`, or a raised `budget_ceiling`): the hold lifts.
  const budget = options.budgetUsd ?? ctx.plan.budget_ceiling;
  if (isStopLifted(runSpend(Object.entries(ctx.state.milestones), budget, ctx.state.budgetStopped))) {
    ctx.state.budgetStopped = false;
    options.view.event(ctx, `budget ${budget === undefined ? "removed" : `raised to $${budget.toFixed(2)}`}: milestones may start again`);
  }
  // A request (`weave pause|stop|resume|merge`) wakes the loop at once; the tick stays as the fallback.
  // Others' merges into the target (a walk of its history) are looked for once per tick, not on every pass.
  let lastMergedScan = Number.NEGATIVE_INFINITY;
  const watcher = watchDir(ctx.paths.requests, wake);
  // Warm workers: each milestone runs in one of a few long-lived worker processes (no Node start-up per milestone).
  // Closing lets them go: a member busy with a milestone finishes it (and a later coordinator adopts it), idle ones exit.
  const pool = createWorkerPool({ weaveBin: options.weaveBin, cwd: ctx.paths.root, env: ctx.env, logPath: ctx.paths.workersLog, size: options.workers });
  // A started worker's exit wakes the loop (its final word is read at once).
  const started = (id: string, exited: Promise<void>): void => {
    const child = { alive: true };
    children.set(id, child);
    void exited.then(() => ((child.alive = false), wake()));
  };
  const forge = createLocalForge(ctx, { pool, defer, started });
  try {
    return await loop();
  } finally {
    pool.close();
    watcher?.close();
  }

  async function loop(): Promise<RunOutcome> {
    for (;;) {
      const scanMerged = performance.now() - lastMergedScan >= (options.tickMs ?? 500);
      if (scanMerged) lastMergedScan = performance.now();
      const seen = await observe(ctx, (id) => children.get(id)?.alive, { scanMerged });
      for (const id of seen.ended) {
        await workerEnded(ctx, id);
        const r = ctx.state.milestones[id]!;
        options.view.event(ctx, `${id} ${r.state}${r.reason && r.state !== "finished" ? `: ${r.reason}` : ""}`);
      }
      for (const request of await takeRequests(ctx, (line) => options.view.event(ctx, line))) {
        for (const line of await applyRequest(ctx, request)) options.view.event(ctx, line);
      }
      await ctx.save();
      if (interrupted) {
        await background;
        return "interrupted";
      }

      const spend = runSpend(Object.entries(ctx.state.milestones), budget, ctx.state.budgetStopped);
      const actions = decide({
        plan: ctx.plan,
        milestones: new Map(Object.entries(ctx.state.milestones).map(([id, r]) => [id, r satisfies MilestoneView])),
        rankOf,
        costUsd: spend.spentUsd,
        budgetUsd: spend.ceilingUsd,
        budgetStopped: spend.stopped,
        workers: options.workers,
      });
      // Effects in order, except that worker starts (independent worktrees) run side by side (reconcile/apply.ts).
      pool.warm(actions.filter((a) => a.kind === "start").length); // their start-up overlaps the merges and worktree creation
      await applyActions(ctx, actions, forge, options);
      options.view.update(ctx);

      const active = Object.values(ctx.state.milestones).some((r) => ACTIVE_STATES.has(r.state) && r.state !== "paused");
      if (!active && actions.length === 0) {
        await background;
        await ctx.save();
        return Object.values(ctx.state.milestones).every((r) => r.state === "merged") ? "complete" : "waiting";
      }
      if (actions.length > 0 && !actions.every((a) => a.kind === "start")) continue;
      if (!woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.tickMs ?? 500);
          onWake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      onWake = undefined;
      woken = false;
    }
  }
}

function watchDir(dir: string, onChange: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { persistent: false }, onChange);
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch {
    return undefined; // no watching here (some file systems): the tick still picks requests up
  }
}

/** decide()'s actions through the shared apply (reconcile/apply.ts): each told to the view, the state saved after each. */
async function applyActions(ctx: RunContext, actions: readonly Action[], forge: Forge, options: CoordinatorOptions): Promise<void> {
  await apply(actions, {
    plan: ctx.plan, records: ctx.state.milestones, run: ctx.state, forge,
    move: (id, to, reason) => {
      ctx.state.milestones[id]!.reason = reason;
      ctx.move(id, to, reason);
    },
    applied: async (action) => {
      options.view.event(ctx, actionLine(ctx, action, options));
      await ctx.save();
    },
  });
}

/** The live view's line for an action just applied. */
function actionLine(ctx: RunContext, action: Action, options: CoordinatorOptions): string {
  if (action.kind === "budget-stop") {
    const signal = budgetSignal(ctx.plan);
    return `budget of $${(options.budgetUsd ?? ctx.plan.budget_ceiling)?.toFixed(2)} reached: nothing new starts${action.ids.length ? `; ${signal === "stop" ? "stopping" : "draining"} ${action.ids.join(", ")}` : ""}; to go on, \`weave start --budget USD\` with a higher budget (or raise \`budget_ceiling\` in the plan)`;
  }
  const record = ctx.state.milestones[action.id]!;
  switch (action.kind) {
    case "requeue":
      return `${action.id} ${record.reason ?? "requeued"}; it resumes from its last checkpoint`;
    case "fail":
      return `${action.id} failed: ${action.reason}`;
    case "skip":
      return `${action.id} ${action.reason.toLowerCase()}`;
    case "unskip":
      return `${action.id} is no longer skipped: ${action.reason}`;
    case "merge":
      return record.state === "merged" ? `${action.id} merged into ${ctx.target}${record.scopeWarnings?.length ? ` (outside its declared files: ${record.scopeWarnings.join(", ")})` : ""}` : `${action.id} ${record.state}: ${record.reason}${record.conflictFiles?.length ? `\n    ${record.conflictFiles.join("\n    ")}` : ""}`;
    case "resolve":
      return `${action.id} ${record.state}: ${record.reason}`;
    case "start":
      return record.state === "claimed" ? `${action.id} started on worker ${record.slot}${record.attempts > 1 ? ` (attempt ${record.attempts}, resuming after task ${record.tasksDone})` : ""}` : `${action.id} could not start: ${record.reason}`;
  }
}
