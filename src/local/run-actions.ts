/**
 * Run actions: the local coordinator's hands — start a worker in its worktree, merge a milestone, signal workers,
 * apply a user's request (stop, pause, resume, merge: what each means is core/control.ts).
 * Responsibilities: idempotent effects for each reconcile action; worktree safety (refuse a path that is not ours).
 * Not here: deciding (reconcile/decide.ts), looping (local/coordinator.ts), merge plumbing (local/local-merge.ts).
 * Invariants: state is saved after every transition; a failed action leaves a reason on the milestone's record.
 */
import { existsSync, openSync, closeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import type { ControlRequest } from "../core/contracts/control-request.js";
import { workerJob } from "../core/contracts/worker-job.js";
import { controlMilestones, replyText } from "../core/control.js";
import type { ControlledRecord, ControlResult } from "../core/control.js";
import { isWeaveError, WeaveError } from "../core/errors.js";
import { findMilestone } from "../core/plan/plan.js";
import type { Plan } from "../core/plan/plan.js";
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
    await writeJsonAtomic(ctx.paths.job(id), workerJob(ctx.plan));
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
  const used = new Set([...taken, ...Object.entries(ctx.state.milestones).filter(([other, r]) => other !== id && WORKER_HELD_STATES.has(r.state)).map(([, r]) => r.slot)]);
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
      record.reason = outcome.kind === "conflict" ? `merge conflict in ${outcome.files.length} file${outcome.files.length === 1 ? "" : "s"}`
        : outcome.runFolder ? `files under .weave/, weave's run folder, which no branch may carry: ${outcome.files.join(", ")} (remove them from weave/${id}, then \`weave merge ${id}\`)`
        : `files outside the declared scope (merge.scope: strict): ${outcome.files.join(", ")}`;
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
    if (!record || !WORKER_HELD_STATES.has(record.state)) continue;
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

export type { ControlRequest } from "../core/contracts/control-request.js";

/** What a request means for these records (core/control.ts), spelled as the local CLI spells commands. */
export function controlOf(plan: Plan, records: Readonly<Record<string, ControlledRecord>> | undefined, request: ControlRequest): ControlResult {
  return controlMilestones({
    verb: request.verb, ids: request.ids, force: request.force, records, order: plan.milestones.map((m) => m.id),
    dependsOn: (id) => findMilestone(plan, id)?.depends_on ?? [], spell: (command) => `weave ${command}`,
  });
}

/** Applies a user's request to the run (its meaning is core/control.ts); returns one line per milestone saying what happened. */
export async function applyRequest(ctx: RunContext, request: ControlRequest): Promise<string[]> {
  const result = controlOf(ctx.plan, ctx.state.milestones, request);
  const signalled: Record<"pause" | "stop", string[]> = { pause: [], stop: [] };
  for (const change of result.changes) {
    const record = ctx.state.milestones[change.id]!;
    if (change.signal) signalled[change.signal].push(change.id);
    if (change.move) ctx.move(change.id, change.move.to, change.move.reason);
    if (change.restart) record.requeues = 0;
    if (change.mergeRequested) {
      record.mergeRequested = true;
      record.mergeBlocked = false;
    }
    if (change.forceMerge) record.forceMerge = true;
  }
  if (result.clearBudgetStop) ctx.state.budgetStopped = false;
  for (const signal of ["pause", "stop"] as const) if (signalled[signal].length) await signalWorkers(ctx, signalled[signal], signal, `${signal} requested`);
  await ctx.save();
  return result.replies.map((reply) => `${reply.id}: ${replyText(reply)}`);
}
