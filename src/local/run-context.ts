/**
 * Run context: everything the local coordinator and the control commands share while holding the lock.
 * Responsibilities: open a run (lock, preflight, load or create state, reconcile the record set with the plan),
 * observe the world (merged trailers in git, worker status files, signal files, PIDs, heartbeat ages), and save.
 * Not here: what a worker's report, death or silence means for its record (reconcile/observe.ts, shared with the
 * App), acting (local/run-actions.ts), the loop (local/coordinator.ts).
 * Invariants: git is ground truth for "merged"; a record is only changed through moveMilestone.
 */
import { randomBytes } from "node:crypto";
import type { MilestoneState } from "../core/lifecycle.js";
import { ACTIVE_STATES } from "../core/lifecycle.js";
import type { Plan } from "../core/plan/plan.js";
import type { Clock } from "../ports/clock.js";
import { systemClock } from "../ports/clock.js";
import { FINAL_WORKER_STATES } from "../ports/reporter.js";
import type { WorkerStatus } from "../ports/reporter.js";
import { observeWorker, takeTransition } from "../reconcile/observe.js";
import { readSignal, readWorkerStatus } from "./file-reporter.js";
import type { HeldLock } from "./locks.js";
import { acquireCoordinatorLock, isProcessAlive, releaseClaim } from "./locks.js";
import { preflight } from "./preflight.js";
import type { RepoGit } from "./repo-git.js";
import { createRepoGit } from "./repo-git.js";
import type { MilestoneRecord, RunState } from "./state-store.js";
import { moveMilestone, newRecord, newRunState, openRunStateFile } from "./state-store.js";
import type { WeavePaths } from "./weave-paths.js";
import { weavePaths } from "./weave-paths.js";

export interface RunContext {
  plan: Plan;
  planPath: string;
  git: RepoGit;
  paths: WeavePaths;
  target: string;
  /** The branch checked out in the main checkout when the run was opened. */
  checkoutBranch: string | undefined;
  state: RunState;
  lock: HeldLock;
  env: NodeJS.ProcessEnv;
  /** The run's clock (ports/clock.ts): every judgement of time (heartbeat ages, stamps) asks it. */
  clock: Clock;
  /** `clock.now()`, kept for the call sites that read the time. */
  now: () => Date;
  /** Last status read per milestone (for the live view and status). */
  statuses: Map<string, WorkerStatus>;
  save(): Promise<void>;
  move(id: string, to: MilestoneState, detail?: string): MilestoneRecord;
  log(kind: string, id?: string, detail?: string): void;
}

export async function openRun(options: { repo: string; plan: Plan; planPath: string; env: NodeJS.ProcessEnv; clock?: Clock; now?: () => Date; skipPreflight?: boolean }): Promise<RunContext> {
  // A test's `now` keeps working: it becomes the clock's (waits stay real).
  const clock: Clock = options.clock ?? (options.now ? { now: options.now, sleep: systemClock.sleep } : systemClock);
  const now = (): Date => clock.now();
  const git = rememberRemotes(createRepoGit(options.repo));
  const paths = weavePaths(options.repo);
  const target = options.skipPreflight ? options.plan.target ?? (await git.currentBranch()) ?? "main" : await preflight(git, options.plan.target, options.env);
  const lock = await acquireCoordinatorLock(paths.coordinatorLock);
  try {
    const { loaded, save: saveState } = await openRunStateFile(paths.state);
    const state = loaded ?? newRunState(randomBytes(6).toString("hex"), options.planPath, target, options.plan.milestones.map((m) => m.id), options.plan.milestones.map((m) => m.tasks.length), now());
    for (const m of options.plan.milestones) {
      state.milestones[m.id] ??= newRecord(m.tasks.length);
      state.milestones[m.id]!.tasks = m.tasks.length;
    }
    for (const id of Object.keys(state.milestones)) if (!options.plan.milestones.some((m) => m.id === id)) delete state.milestones[id];
    state.target = target;
    const ctx: RunContext = {
      plan: options.plan, planPath: options.planPath, git, paths, target, checkoutBranch: await git.currentBranch(), state, lock, env: options.env, clock, now, statuses: new Map(),
      save: () => saveState(state, now()),
      move: (id, to, detail) => moveMilestone(state, id, to, now(), detail),
      log: (kind, id, detail) => void state.events.push({ at: now().toISOString(), kind, id, detail }),
    };
    if (loaded) ctx.log("resumed");
    return ctx;
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/**
 * The repository's remotes, asked once per run rather than before every merge's push (one git process fewer per
 * milestone): a remote added while a run goes on is pushed to from the next `weave start`.
 */
function rememberRemotes(git: RepoGit): RepoGit {
  let remotes: Promise<string[]> | undefined;
  return {
    ...git,
    remotes: () => {
      remotes ??= git.remotes();
      remotes.catch(() => (remotes = undefined));
      return remotes;
    },
  };
}

export interface Observation {
  /** Milestones whose worker ended (finished, paused, stopped, failed) since the last look. */
  ended: string[];
}

/**
 * Brings the state in line with git and the workers; returns what changed that the view may announce.
 * `scanMerged: false` skips the look for milestones merged by someone else (a walk of the target's history): the
 * coordinator records its own merges, and looks for others' once per tick rather than on every pass.
 */
export async function observe(ctx: RunContext, isChildAlive: (id: string) => boolean | undefined, options: { scanMerged?: boolean } = {}): Promise<Observation> {
  const { state } = ctx;
  const ended: string[] = [];
  const merged = options.scanMerged === false ? new Set<string>() : await ctx.git.mergedMilestones(ctx.target);
  for (const id of merged) {
    const record = state.milestones[id];
    if (record && record.state !== "merged" && !ACTIVE_STATES.has(record.state)) {
      ctx.move(id, "merged", "found on the target branch");
      record.mergedAt ??= ctx.now().toISOString();
    }
  }
  for (const [id, record] of Object.entries(state.milestones)) {
    if (!ACTIVE_STATES.has(record.state) || record.state === "paused" || record.state === "stale") continue;
    // Liveness first, then the status file: a worker writes its final status before it exits, so a worker seen gone
    // here has its final word in the file read next (the other order reads "running", then sees it gone: "stale").
    const alive = isChildAlive(id) ?? isProcessAlive(record.pid);
    const status = await readWorkerStatus(ctx.paths, id);
    const mine = status && status.runId === state.runId && status.pid === record.pid ? status : undefined;
    if (mine) ctx.statuses.set(id, mine);
    const final = mine !== undefined && FINAL_WORKER_STATES.has(mine.state) && !alive;
    // What a person (or the budget) asked matters once the worker is done or gone (a pause during its last task, a stop).
    const signal = final || !alive ? (await readSignal(ctx.paths, id))?.signal : undefined;
    const lastSign = Date.parse(mine?.updatedAt ?? record.startedAt ?? "");
    const t = observeWorker({
      id, record, report: mine, liveness: alive ? "alive" : "gone", silentForS: Number.isFinite(lastSign) ? (ctx.now().getTime() - lastSign) / 1000 : undefined,
      timeoutS: ctx.plan.heartbeat_timeout, budgetStopped: state.budgetStopped, signal, command: "weave",
    });
    if (t.take?.lastOutput) record.lastOutput = t.take.lastOutput;
    const detail = t.to === "finished" && mine ? `${mine.tasksDone}/${mine.tasks} tasks, $${mine.costUsd.toFixed(2)}` : t.reason ?? undefined;
    takeTransition(record, t, ctx.now(), (to) => {
      if (record.state === "claimed" && to !== "running" && to !== "stale" && mine) ctx.move(id, "running");
      ctx.move(id, to, detail);
    });
    if (t.kill) {
      // Stale: the worker (and the task it left behind) goes, and the claim is given back for the requeue.
      killGroup(mine?.taskPid);
      if (alive) killGroup(record.pid);
      await releaseClaim(ctx.paths.claim(id));
    } else if (!alive && t.to !== undefined) ended.push(id);
  }
  return { ended };
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}
