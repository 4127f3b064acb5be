/**
 * Run actions: the local coordinator's hands — start a worker in its worktree, merge a milestone, signal workers,
 * apply a user's request (stop, pause, resume, merge).
 * Responsibilities: idempotent effects for each reconcile action; worktree safety (refuse a path that is not ours).
 * Not here: deciding (reconcile/decide.ts), looping (local/coordinator.ts), merge plumbing (local/local-merge.ts).
 * Invariants: state is saved after every transition; a failed action leaves a reason on the milestone's record.
 */
import { existsSync, openSync, closeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { isWeaveError, WeaveError } from "../core/errors.js";
import { findMilestone } from "../core/plan/plan.js";
import type { WorkerSignal } from "../ports/reporter.js";
import { writeJsonAtomic } from "./atomic-json.js";
import { sendSignal } from "./file-reporter.js";
import { mergeMilestoneLocally } from "./local-merge.js";
import { claimMilestone, releaseClaim } from "./locks.js";
import type { RunContext } from "./run-context.js";
import { killGroup } from "./run-context.js";
import { addOrFinishWorktree } from "./worktree-create.js";
import type { WorkerPool } from "./worker-pool.js";

export interface SpawnedWorker {
  id: string;
  pid: number;
  exited: Promise<void>;
}

/** Creates (or reuses) the milestone's worktree and hands the milestone to a warm worker process of `pool`. */
export async function startWorker(ctx: RunContext, id: string, pool: WorkerPool, slot?: number): Promise<SpawnedWorker | undefined> {
  const record = ctx.state.milestones[id]!;
  const branch = `weave/${id}`;
  const path = ctx.paths.worktree(id);
  let claimed = false;
  try {
    const registered = existsSync(path) ? (await ctx.git.listWorktrees()).find((w) => w.path === path) : undefined;
    if (registered && registered.branch !== branch) {
      throw new WeaveError("worktree-conflict", `${path} is a worktree of ${registered.branch ?? "a detached HEAD"}, not ${branch}`, { hint: "remove it with `git worktree remove`, or run `weave doctor --fix`" });
    }
    // Reuse our own worktree of this milestone's branch; anything else at that path is made (or finished) safely.
    // A branch made just now needs no expected head (nothing but weave has seen it); one made before is pinned to
    // where it is, so a worker never starts on a branch that moved under it.
    const made = registered ? "existing" : await addOrFinishWorktree(ctx.git, path, branch, ctx.target);
    const head = made === "fresh" ? undefined : (await ctx.git.branchHeads([branch])).get(branch);
    if (!(await claimMilestone(ctx.paths.claim(id), { runId: ctx.state.runId, pid: process.pid }))) {
      throw new WeaveError("already-running", `${id} is already claimed by another worker (${ctx.paths.claim(id)})`, { hint: "run `weave doctor --fix` if no worker is running" });
    }
    claimed = true;
    if (record.state !== "eligible" && record.state !== "stale" && record.state !== "paused" && record.state !== "stopped") ctx.move(id, "eligible");
    await rm(ctx.paths.status(id), { force: true });
    await rm(ctx.paths.signal(id), { force: true });
    await writeJsonAtomic(ctx.paths.job(id), ctx.plan);
    // The log must be writable before the milestone is handed over (the worker appends its output there).
    closeSync(openSync(ctx.paths.log(id), "a"));
    const worker = await pool.run({ repo: ctx.paths.root, jobPath: ctx.paths.job(id), milestone: id, runId: ctx.state.runId, base: ctx.target, ...(head ? { expectedHead: head } : {}) });
    record.pid = worker.pid;
    record.attempts += 1;
    record.startedAt = ctx.now().toISOString();
    record.reason = undefined;
    record.slot = slot ?? freeSlot(ctx, id);
    ctx.move(id, "claimed", `attempt ${record.attempts}`);
    await ctx.save();
    return { id, pid: worker.pid, exited: worker.exited };
  } catch (e) {
    // A start that failed after claiming gives the claim back, so `weave resume` can start the milestone again.
    if (claimed) await releaseClaim(ctx.paths.claim(id)).catch(() => undefined);
    record.reason = isWeaveError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ""}` : String(e);
    ctx.move(id, "failed", record.reason);
    await ctx.save();
    return undefined;
  }
}

/** The lowest lane number not used by another active milestone nor in `taken` (for the live view). */
export function freeSlot(ctx: RunContext, id: string, taken: readonly number[] = []): number {
  const used = new Set([...taken, ...Object.entries(ctx.state.milestones).filter(([other, r]) => other !== id && ["claimed", "running", "stale"].includes(r.state)).map(([, r]) => r.slot)]);
  let slot = 1;
  while (used.has(slot)) slot++;
  return slot;
}

export async function workerEnded(ctx: RunContext, id: string): Promise<void> {
  await releaseClaim(ctx.paths.claim(id));
}

/**
 * Merges one milestone now and cleans up after it; the outcome is recorded on its record.
 * `defer` takes the worktree/branch cleanup off the critical path (the coordinator awaits it before it returns).
 */
export async function mergeOne(ctx: RunContext, id: string, defer?: (task: () => Promise<void>) => void): Promise<void> {
  const record = ctx.state.milestones[id]!;
  const milestone = findMilestone(ctx.plan, id)!;
  const force = record.forceMerge === true;
  ctx.move(id, "merging", force ? "forced" : undefined);
  record.mergeRequested = false;
  record.forceMerge = false;
  try {
    const outcome = await mergeMilestoneLocally({ git: ctx.git, plan: ctx.plan, milestone, target: ctx.target, costUsd: record.costUsd, force, checkoutBranch: ctx.checkoutBranch });
    if (outcome.kind === "merged") {
      record.mergeCommit = outcome.commit;
      record.mergedAt = ctx.now().toISOString();
      record.scopeWarnings = outcome.scopeWarnings;
      record.conflictFiles = undefined;
      record.mergeBlocked = false;
      ctx.move(id, "merged", `${outcome.commit.slice(0, 12)}${outcome.pushed ? ` pushed to ${outcome.pushed}` : ""}`);
      await ctx.save();
      const cleanup = (): Promise<void> => removeWorkspace(ctx, id, !ctx.plan.merge.keep_branches);
      if (defer) defer(cleanup);
      else await cleanup();
    } else {
      record.conflictFiles = outcome.files;
      record.reason = outcome.kind === "conflict" ? `merge conflict in ${outcome.files.length} file${outcome.files.length === 1 ? "" : "s"}` : `files outside the declared scope (merge.scope: strict): ${outcome.files.join(", ")}`;
      if (outcome.kind === "conflict") record.scopeWarnings = outcome.scopeWarnings;
      ctx.move(id, "conflict", record.reason);
    }
  } catch (e) {
    record.reason = isWeaveError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ""}` : String(e);
    record.mergeBlocked = true;
    ctx.move(id, "finished", `merge failed: ${record.reason}`);
  }
  await ctx.save();
}

export async function removeWorkspace(ctx: RunContext, id: string, deleteBranch: boolean): Promise<void> {
  await ctx.git.removeWorktree(ctx.paths.worktree(id));
  if (deleteBranch) await ctx.git.deleteBranch(`weave/${id}`);
  await releaseClaim(ctx.paths.claim(id));
  await Promise.all([ctx.paths.status(id), ctx.paths.signal(id), ctx.paths.job(id), ctx.paths.costFile(id)].map((f) => rm(f, { force: true })));
}

/** Pause or stop running workers: a signal file, and for stop also SIGTERM so a task in flight ends now. */
export async function signalWorkers(ctx: RunContext, ids: readonly string[], signal: WorkerSignal, reason: string): Promise<string[]> {
  const touched: string[] = [];
  for (const id of ids) {
    const record = ctx.state.milestones[id];
    if (!record || !["claimed", "running"].includes(record.state)) continue;
    await sendSignal(ctx.paths, id, signal, reason);
    if (signal === "stop") {
      record.reason = reason;
      killGroup(record.pid, "SIGTERM");
    }
    ctx.log(signal, id, reason);
    touched.push(id);
  }
  await ctx.save();
  return touched;
}

/** Failed milestones `id` depends on, directly or through others. */
function failedAncestors(ctx: RunContext, id: string): string[] {
  const seen = new Set<string>();
  const failed: string[] = [];
  const walk = (of: string): void => {
    for (const dep of findMilestone(ctx.plan, of)?.depends_on ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (ctx.state.milestones[dep]?.state === "failed") failed.push(dep);
      walk(dep);
    }
  };
  walk(id);
  return failed;
}

export interface ControlRequest {
  verb: "stop" | "pause" | "resume" | "merge";
  ids: string[];
  force?: boolean;
}

/** Applies a user's request to the run; returns one line per milestone saying what happened. */
export async function applyRequest(ctx: RunContext, request: ControlRequest): Promise<string[]> {
  const ids = request.ids.length ? request.ids : ctx.plan.milestones.map((m) => m.id);
  const lines: string[] = [];
  const states = (id: string) => ctx.state.milestones[id]?.state;
  switch (request.verb) {
    case "stop":
    case "pause": {
      const done = await signalWorkers(ctx, ids, request.verb, `${request.verb} requested`);
      for (const id of ids) {
        if (done.includes(id)) lines.push(`${id}: ${request.verb === "stop" ? "stopping" : "pausing after the task in flight"}`);
        else if (request.verb === "stop" && (states(id) === "eligible" || states(id) === "pending" || states(id) === "paused")) {
          ctx.move(id, "stopped", "stop requested");
          lines.push(`${id}: stopped; \`weave resume ${id}\` starts it again`);
        } else if (request.ids.length) lines.push(`${id}: ${states(id)} (nothing to ${request.verb})`);
      }
      break;
    }
    case "resume":
      for (const id of ids) {
        const s = states(id);
        if (s === "paused" || s === "stopped" || (s === "failed" && request.ids.length > 0)) {
          ctx.state.budgetStopped = false;
          ctx.move(id, "eligible", "resume requested");
          ctx.state.milestones[id]!.requeues = 0;
          lines.push(`${id}: will resume from its last checkpoint`);
        } else if (s === "skipped" && request.ids.length > 0) {
          const failed = failedAncestors(ctx, id);
          if (failed.length > 0) lines.push(`${id}: skipped because ${failed.join(", ")} failed; \`weave resume ${failed[0]}\` first`);
          else {
            ctx.move(id, "pending", "resume requested");
            lines.push(`${id}: no longer skipped; it starts once its dependencies merge`);
          }
        } else if (request.ids.length) lines.push(`${id}: ${s} (nothing to resume)`);
      }
      break;
    case "merge":
      for (const id of ids) {
        const record = ctx.state.milestones[id]!;
        // `merging` outside a merge in progress is what a coordinator that died mid-merge leaves: asked again, it is
        // merged again (as the App does); merging is idempotent (git tells whether it already landed).
        if (record.state === "merging") ctx.move(id, "finished", "merge asked again");
        if (record.state === "finished" || record.state === "conflict") {
          record.mergeRequested = true;
          record.mergeBlocked = false;
          if (request.force) record.forceMerge = true;
          lines.push(`${id}: merging`);
        } else if (record.state === "failed" && request.force && record.verify?.state === "failed") {
          record.forceMerge = true;
          record.mergeRequested = true;
          lines.push(`${id}: merging despite its failed verify (--force)`);
        } else if (record.state === "failed" && record.verify?.state === "failed") {
          lines.push(`${id}: its last verify failed; \`weave merge ${id} --force\` lands it anyway`);
        } else if (request.ids.length) lines.push(`${id}: ${record.state} (nothing to merge)`);
      }
      break;
  }
  await ctx.save();
  return lines;
}
