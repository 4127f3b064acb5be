/**
 * Watching milestone jobs: what the App learns of each claimed or running job, from heartbeats and from GitHub.
 * Responsibilities: apply heartbeats (and drop the `/weave tell` notes a job took); learn a run id GitHub did not return (a 204 dispatch, a lost answer) from the
 * first heartbeat whose run GitHub titles with the record's dispatch id, or by a lookup with backoff; on a tick, the
 * first reconcile of this process, or a job that ended or went quiet, ask GitHub for the run and judge a completed
 * one by the branch's checkpoints (finished, not requeued, when every task has one); a `stopped` nobody asked for is
 * a dead main step (stale → requeue); cancel runs that went silent or ignore a stop.
 * Not here: what follows (requeue, fail: reconcile/decide.ts); the pure rules (github/job-outcome.ts,
 * github/run-correlation.ts); the heartbeat endpoint (github/heartbeat-endpoint.ts).
 * Invariants: a job's words never finish a milestone on their own here — a completed run and the branch do.
 */
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { progressFrom } from "../worker/checkpoint.js";
import type { AppConfig } from "./app-config.js";
import { isUnaskedStop, judgeRun } from "./job-outcome.js";
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
    if (beat && r.runId === beat.runId && ACTIVE.has(r.state) && isUnaskedStop(beat.status.state, r.signal, w.budgetReached)) {
      // The post step's word for a main step that died (killed, out of memory): requeue it like a silent job.
      session.heartbeats.delete(id);
      moveRecord(id, r, "stale", "its job's main step ended without finishing (it reported stopped, and no one asked it to stop)");
      changed.add(id);
      continue;
    }
    // A `finished` claim is believed only when weave/<ID> shows it (github/finish-evidence.ts).
    const unproven = beat?.status.state === "finished" && r.runId === beat.runId && ["claimed", "running", "stale"].includes(r.state)
      ? await finishNotShown(w.mirror, target, id, r.tasks, beat.status.headSha) : undefined;
    if (beat && r.runId === beat.runId && applyHeartbeat(id, r, beat.status, new Date(beat.at), w.budgetReached, unproven)) changed.add(id);
    if (beat && r.runId === beat.runId && beat.notesSeen?.length && r.notes?.length) dropTakenNotes(r, beat.notesSeen);
    if (!ACTIVE.has(r.state)) continue;
    const lastSign = Date.parse(r.lastHeartbeat ?? r.startedAt ?? now.toISOString());
    const silent = now.getTime() - lastSign > w.plan.heartbeat_timeout * 1000;
    let ended = r.runId !== undefined ? session.inbox.completedRuns.get(r.runId) : undefined;
    if (ended === undefined && r.runId !== undefined && (w.askAll || silent)) {
      const run = await client.getRun(r.runId);
      if (run?.status === "completed") ended = run.conclusion ?? "unknown";
    }
    if (ended !== undefined && !r.resolving) {
      const verdict = judgeRun({ status: "completed", conclusion: ended }, await branchProgress(w.mirror, target, id), m.tasks.length);
      if (verdict.kind === "finished") {
        // Its final report was lost (the App was down, the post step could not reach it): the branch says it is done.
        Object.assign(r, { tasksDone: verdict.tasksDone, costUsd: Math.max(r.costUsd, verdict.costUsd), finishedAt: now.toISOString() });
        if (verdict.costUnknown) r.costUnknown = true; // an agent that reported no cost on some task: never $0.00
        moveRecord(id, r, "finished", undefined);
        r.reason = undefined;
      } else moveRecord(id, r, "stale", `its job ended (${ended}) without a final report`);
      changed.add(id);
    } else if (r.resolving && (ended !== undefined || silent)) {
      // A resolve job that died leaves the conflict as it was: the milestone's own work is done and is not rerun.
      if (ended === undefined && r.runId) await client.cancelRun(r.runId);
      moveRecord(id, r, "conflict", `the resolve job ${ended !== undefined ? `ended (${ended}) without a final report` : "went silent"}; resolve by hand, then \`/weave merge ${id}\``);
      r.resolving = false;
      changed.add(id);
    } else if (silent) {
      moveRecord(id, r, "stale", `no heartbeat for ${Math.round((now.getTime() - lastSign) / 1000)} s`);
      if (r.runId) await client.cancelRun(r.runId);
      changed.add(id);
    } else if (r.signal === "stop" && r.runId && now.getTime() - lastSign > STOP_GRACE_MS) {
      await client.cancelRun(r.runId);
    }
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
