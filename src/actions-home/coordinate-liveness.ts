/**
 * Liveness without heartbeats: in Actions mode no job talks to the coordinator while it runs, so what the App learns
 * from heartbeats is learnt here from GitHub and git — a run GitHub shows queued or in progress is alive, and its
 * progress and cost are the checkpoints on `weave/<ID>` (the branch is the progress record) and what the worker
 * wrote on its own check run (action/worker-check-run.ts: the task in flight and its live cost).
 * Responsibilities: for each claimed or running milestone with a known run and no report in this pass, ask GitHub
 * for the run once: a completed run is recorded as such (the loop judges it by the branch), a live one becomes a
 * `running` heartbeat of that run with the branch's progress, raised by the check run's claim where that claim is
 * of the ledger's dispatch and keeps the claim rules (core/heartbeat-claim.ts); a live run whose milestone is to stop
 * is cancelled (the worker also reads the stop from the ledger), and one that ended after it was asked to stop is
 * `stopped`.
 * Not here: what a heartbeat or a completed run changes (github/run-watch.ts); the worker's own report
 * (actions-home/coordinate-report.ts).
 * Invariants: never `finished` from here (only a completed run with every checkpoint, or a report the branch
 * shows, finishes a milestone); the check run's claim gives progress and cost only — never a state, never less than
 * the branch shows; a job that hangs while GitHub shows it running stays alive until the job's `timeout-minutes`
 * ends it — GitHub's state, not the job's word, is what this trusts.
 */
import type { Ledger } from "../github/ledger.js";
import type { RepoClient } from "../github/repo-client.js";
import type { RepoMirror } from "../github/repo-mirror.js";
import type { RepoSession } from "../github/repo-session.js";
import { branchProgress } from "../github/run-watch.js";
import { claimProblems } from "../core/heartbeat-claim.js";
import type { HeartbeatStatus } from "../core/contracts/heartbeat-body.js";
import type { LedgerMilestone } from "../github/ledger.js";
import { readWorkerCheckClaim } from "../action/worker-check-run.js";

/** Fills the session with what GitHub and the branches say of active jobs; the number of runs asked about. */
export async function observeLiveRuns(session: RepoSession, client: RepoClient, ledger: Ledger, mirror: RepoMirror, now: Date): Promise<number> {
  const target = ledger.run?.target;
  if (!target) return 0;
  let asked = 0;
  for (const [id, r] of Object.entries(ledger.milestones)) {
    if (!["claimed", "running"].includes(r.state) || r.runId === undefined || session.heartbeats.has(id)) continue;
    asked += 1;
    const run = await client.getRun(r.runId);
    if (!run) continue;
    const stopAsked = r.signal === "stop";
    if (run.status === "completed" && !stopAsked) {
      session.inbox.completedRuns.set(r.runId, run.conclusion ?? "unknown");
      continue;
    }
    // No reply reaches a job here: a stop (a person's, or the budget's) is a cancel at once; the worker
    // checkpoints on SIGINT and its post step reports. A run that ended after we asked it to stop is stopped.
    if (stopAsked && run.status !== "completed") await client.cancelRun(r.runId);
    const progress = await branchProgress(mirror, target, id);
    const claim = run.status !== "completed" ? await checkRunClaim(client, id, r) : undefined;
    const at = now.toISOString();
    session.heartbeats.set(id, {
      at: now.getTime(), runId: r.runId,
      status: {
        milestone: id, runId: String(r.runId), state: stopAsked && run.status === "completed" ? "stopped" : "running",
        tasksDone: Math.min(Math.max(progress.tasksDone, r.tasksDone, claim?.tasksDone ?? 0), r.tasks), tasks: r.tasks,
        ...(claim?.currentTask !== undefined ? { currentTask: claim.currentTask } : {}),
        costUsd: Math.max(progress.costUsd, r.costUsd, claim?.costUsd ?? 0), pid: 0, startedAt: r.startedAt ?? at, updatedAt: at,
      },
    });
  }
  // Every active run was looked at: the loop need not ask GitHub about them again in this pass.
  session.dispatchBook.runsAsked = true;
  return asked;
}

/** The progress the worker wrote on its check run, if it is a claim the coordinator may take (one REST call). */
async function checkRunClaim(client: RepoClient, id: string, r: LedgerMilestone): Promise<HeartbeatStatus | undefined> {
  if (r.checkRunId === undefined || r.dispatchId === undefined) return undefined;
  const check = await client.getCheckRun(r.checkRunId).catch(() => undefined);
  return takeCheckRunClaim(check?.output?.text, id, r);
}

/**
 * A check run's claim, when it is of this milestone's current dispatch, keeps the claim rules and speaks of a live
 * worker (a final state comes with the job's closing report, never from here); otherwise undefined.
 */
export function takeCheckRunClaim(text: string | null | undefined, id: string, r: Pick<LedgerMilestone, "dispatchId" | "tasks">): HeartbeatStatus | undefined {
  const body = readWorkerCheckClaim(text);
  if (!body || r.dispatchId === undefined || body.dispatch_id !== r.dispatchId || body.status.milestone !== id) return undefined;
  if (!["starting", "running", "verifying"].includes(body.status.state)) return undefined;
  return claimProblems(body.status, r.tasks, undefined).length === 0 ? body.status : undefined;
}
