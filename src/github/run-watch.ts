/**
 * Watching milestone jobs: what the App learns of each claimed or running job, from heartbeats and from GitHub.
 * Responsibilities: apply heartbeats (and drop the `/weave tell` notes a job took); learn a run id GitHub did not return (a 204 dispatch, a lost answer) from the
 * first heartbeat whose run GitHub titles with the record's dispatch id, or by a lookup with backoff; on a tick, the
 * first reconcile of this process, or a job that ended or went quiet, ask GitHub for the run and judge a completed
 * one by the branch's checkpoints (finished, not requeued, when every task has one); a `stopped` nobody asked for is
 * a dead main step (stale → requeue); cancel runs that went silent or ignore a stop.
 * Not here: what follows (requeue, fail: reconcile/decide.ts); the pure rules (reconcile/observe.ts: what a report,
 * an ended run or a silence means for the record — the same as the local coordinator's; github/job-outcome.ts,
 * github/run-correlation.ts); the heartbeat endpoint (github/heartbeat-endpoint.ts).
 * Invariants: a job's words never finish a milestone on their own here — a completed run and the branch do.
 */
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { progressFrom } from "../worker/checkpoint.js";
import type { AppConfig } from "./app-config.js";
import { observeWorker, takeTransition } from "../reconcile/observe.js";
import { judgeRun } from "./job-outcome.js";
import type { Ledger, LedgerMilestone } from "./ledger.js";
import { finishNotShown } from "./finish-evidence.js";
import { applyHeartbeat, moveRecord } from "./mutate-record.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";
import type { RepoSession } from "./repo-session.js";
import { isLookupDue, isRunOfDispatch } from "./run-correlation.js";

export interface WatchContext {
  client: RepoClient;
  session: RepoSession;
  plan: Plan;
  ledger: Ledger;
  config: AppConfig;
  now: Date;
  mirror: RepoMirror;
  /** The budget is reached: by the ledger, or by live heartbeats the ledger does not know of yet. */
  budgetReached: boolean;
  /** Ask GitHub about every active run (a tick, or this process's first look). */
  askAll: boolean;
}

/** A stop that the worker did not obey within this long is enforced by cancelling its run. */
const STOP_GRACE_MS = 30_000;
/**
 * Jobs whose run is watched: core/lifecycle.ts WORKER_HELD_STATES without `stale` on purpose — a stale record's job was
 * judged gone (decide() requeues or fails it); a late heartbeat of its still revives it (applyHeartbeat takes stale).
 */
const ACTIVE = new Set(["claimed", "running"]);

/** Every dispatch the ledger holds for an active job, known to the heartbeat endpoint (after a restart too). */
export function seedDispatches(session: RepoSession, ledger: Ledger): void {
  for (const [id, r] of Object.entries(ledger.milestones)) {
    if (r.dispatchId && ACTIVE.has(r.state) && !session.dispatchBook.pending.has(r.dispatchId)) session.dispatchBook.pending.set(r.dispatchId, { milestone: id, runId: r.runId });
  }
}

/** Applies what is known of every active job to the ledger; the ids whose records changed state. */
export async function watchJobs(w: WatchContext): Promise<Set<string>> {
  const { client, session, ledger, now } = w;
  const changed = new Set<string>();
  const target = ledger.run!.target;
  for (const [id, r] of Object.entries(ledger.milestones)) {
    const m = findMilestone(w.plan, id);
    if (!m) continue;
    if (ACTIVE.has(r.state) && r.runId === undefined) await learnRunId(w, id, r);
    const beat = session.heartbeats.get(id);
    const ours = beat !== undefined && r.runId === beat.runId;
    // A `finished` claim is believed only when weave/<ID> shows it (github/finish-evidence.ts).
    const unproven = ours && beat.status.state === "finished" && WORKER_HELD_STATES.has(r.state)
      ? await finishNotShown(w.mirror, target, id, r.tasks, beat.status.headSha) : undefined;
    if (ours && applyHeartbeat(id, r, beat.status, new Date(beat.at), w.budgetReached, unproven)) {
      changed.add(id);
      // A stop nobody asked for (a dead main step) was requeued: the same report is not judged again.
      if (r.state === "stale" && beat.status.state === "stopped") session.heartbeats.delete(id);
    }
    if (ours && beat.notesSeen?.length && r.notes?.length) dropTakenNotes(r, beat.notesSeen);
    if (!ACTIVE.has(r.state)) continue;
    const lastSign = Date.parse(r.lastHeartbeat ?? r.startedAt ?? now.toISOString());
    const silentForS = (now.getTime() - lastSign) / 1000;
    let ended = r.runId !== undefined ? session.inbox.completedRuns.get(r.runId) : undefined;
    if (ended === undefined && r.runId !== undefined && (w.askAll || silentForS > w.plan.heartbeat_timeout)) {
      const run = await client.getRun(r.runId);
      if (run?.status === "completed") ended = run.conclusion ?? "unknown";
    }
    // A run that ended is judged by its branch: every task's checkpoint there is a finish whose final report was
    // lost (the App was down, the post step could not reach it); fewer is a job gone without one.
    const verdict = ended !== undefined && !r.resolving ? judgeRun({ status: "completed", conclusion: ended }, await branchProgress(w.mirror, target, id), m.tasks.length) : undefined;
    const report = verdict?.kind === "finished" ? { state: "finished" as const, tasksDone: verdict.tasksDone, costUsd: Math.max(r.costUsd, verdict.costUsd), costUnknown: verdict.costUnknown } : undefined;
    const t = observeWorker({
      id, record: r, report, liveness: ended !== undefined ? "gone" : "unknown", silentForS, timeoutS: w.plan.heartbeat_timeout,
      endedHow: ended !== undefined ? `run ${ended}` : undefined, budgetStopped: w.budgetReached, signal: r.signal, command: "/weave",
    });
    if (t.take?.costUnknown) r.costUnknown = true; // an agent that reported no cost on some task: never $0.00
    if (t.resolveEnded) r.resolving = false;
    if (takeTransition(r, t, now, (to) => moveRecord(id, r, to))) changed.add(id);
    // A job gone silent (or a resolve job that did) is cancelled if it still runs; a stop not obeyed in time is enforced.
    if (t.kill && ended === undefined && r.runId) await client.cancelRun(r.runId);
    else if (t.to === undefined && r.signal === "stop" && r.runId && now.getTime() - lastSign > STOP_GRACE_MS) await client.cancelRun(r.runId);
  }
  return changed;
}

/** The `/weave tell` notes a job said it took leave the ledger; the others stay for this job or the next. */
export function dropTakenNotes(r: LedgerMilestone, taken: readonly string[]): void {
  const seen = new Set(taken);
  const left = (r.notes ?? []).filter((n) => !seen.has(n.id));
  if (left.length) r.notes = left;
  else delete r.notes;
}

/** A run id for a dispatch GitHub did not name one for: from a verified heartbeat, else a lookup when one is due. */
async function learnRunId(w: WatchContext, id: string, r: LedgerMilestone): Promise<void> {
  if (!r.dispatchId) return;
  const beat = w.session.heartbeats.get(id);
  const lookups = w.session.dispatchBook.lookups;
  if (beat && !lookups.has(`run:${beat.runId}`)) {
    // A heartbeat's run id is OIDC-verified; that it is this dispatch's run only GitHub's title for it says.
    lookups.set(`run:${beat.runId}`, 1);
    const run = await w.client.getRun(beat.runId);
    if (isRunOfDispatch(run?.display_title, r.dispatchId)) return adopt(w, r, beat.runId);
  }
  const looks = lookups.get(r.dispatchId) ?? 0;
  if (!isLookupDue(Date.parse(r.startedAt ?? w.now.toISOString()), looks, w.now.getTime())) return;
  lookups.set(r.dispatchId, looks + 1);
  const found = await w.client.findRunByTitle(w.config.workflowFile, r.dispatchId);
  if (found && isRunOfDispatch(found.display_title, r.dispatchId)) adopt(w, r, found.id);
}

function adopt(w: WatchContext, r: LedgerMilestone, runId: number): void {
  r.runId = runId;
  const pending = r.dispatchId ? w.session.dispatchBook.pending.get(r.dispatchId) : undefined;
  if (pending) pending.runId = runId;
}

/** Progress of milestone `id` from the checkpoints on its branch that the target lacks. */
export async function branchProgress(mirror: RepoMirror, target: string, id: string): Promise<{ tasksDone: number; costUsd: number; costUnknown: boolean }> {
  try {
    const heads = await mirror.fetch([target, `weave/${id}`]);
    const log = await mirror.git.raw(["log", "--format=%B%x00", `${heads.get(target)!}..${heads.get(`weave/${id}`)!}`]);
    return progressFrom(log.split("\0"), id);
  } catch {
    return { tasksDone: 0, costUsd: 0, costUnknown: false }; // the branch is gone: nothing to show for the job
  }
}
