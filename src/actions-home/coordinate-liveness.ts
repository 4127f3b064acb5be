/**
 * Liveness without heartbeats: in Actions mode no job talks to the coordinator while it runs, so what the App learns
 * from heartbeats is learnt here from GitHub and git — a run GitHub shows queued or in progress is alive, and its
 * progress and cost are the checkpoints on `weave/<ID>` (the branch is the progress record) and what the worker
 * wrote on its own check run (action/worker-check-run.ts: the task in flight and its live cost).
 * Responsibilities: for each claimed or running milestone with a known run and no report in this pass, ask GitHub
 * for the run once: a completed run is recorded as such (the loop judges it by the branch), a live one becomes a
 * `running` heartbeat of that run with the branch's progress, raised by the check run's claim where that claim is
 * of the ledger's dispatch and keeps the claim rules (core/heartbeat-claim.ts), with the ids of the `/weave tell`
 * notes the job says it took (the loop drops them from the ledger); a live run whose milestone is to stop
 * is cancelled (the worker also reads the stop from the ledger). A run that ended without a report is judged by
 * `endedRunVerdict` (pure, table-tested): asked to stop — `stopped`; every checkpoint on the branch — left to the
 * loop, which finishes it; asked to pause — `paused`; its branch's spend brings the run to its ceiling (the worker stopped
 * itself on the budget before any pass saw it) — `stopped`, with that spend; its spend reached its job's allowance —
 * `paused`, waiting for a new allowance (actions-home/allowance-resume.ts); otherwise left to the loop, which
 * requeues it like any job that died.
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
import { stoppedOnAllowance } from "../core/worker-allowance.js";
import { isBudgetReached, runSpend } from "../reconcile/budget.js";
import type { HeartbeatStatus } from "../core/contracts/heartbeat-body.js";
import type { LedgerMilestone } from "../github/ledger.js";
import { readWorkerCheckClaim } from "../action/worker-check-run.js";

/** Fills the session with what GitHub and the branches say of active jobs; the number of runs asked about. */
export async function observeLiveRuns(session: RepoSession, client: RepoClient, ledger: Ledger, mirror: RepoMirror, now: Date, ceilingUsd?: number): Promise<number> {
  const target = ledger.run?.target;
  if (!target) return 0;
  let asked = 0;
  for (const [id, r] of Object.entries(ledger.milestones)) {
    // Jobs believed alive (as github/run-watch.ts watches them): a stale record is decide()'s to requeue or fail.
    if (!["claimed", "running"].includes(r.state) || r.runId === undefined || session.heartbeats.has(id)) continue;
    asked += 1;
    const run = await client.getRun(r.runId);
    if (!run) continue;
    const stopAsked = r.signal === "stop";
    // No reply reaches a job here: a stop (a person's, or the budget's) is a cancel at once; the worker
    // checkpoints on SIGINT and its post step reports.
    if (stopAsked && run.status !== "completed") await client.cancelRun(r.runId);
    const progress = await branchProgress(mirror, target, id);
    let ended: "stopped" | "paused" | undefined;
    if (run.status === "completed") {
      const verdict = endedRunVerdict({ signal: r.signal, resolving: r.resolving === true, budgetStopped: ledger.run?.budgetStopped === true, ceilingUsd, othersCostUsd: othersCost(ledger, id), ownCostUsd: r.costUsd, ...(r.allowanceUsd !== undefined ? { allowanceUsd: r.allowanceUsd } : {}), branch: progress, tasks: r.tasks });
      if (verdict === "judge") {
        session.inbox.completedRuns.set(r.runId, run.conclusion ?? "unknown");
        continue;
      }
      ended = verdict;
    }
    // The check run is read for a live run, and for an ended one only when the ledger holds notes it may have taken.
    const read = run.status !== "completed" || r.notes?.length ? await checkRunClaim(client, id, r) : undefined;
    const claim = run.status !== "completed" ? read?.status : undefined;
    const at = now.toISOString();
    session.heartbeats.set(id, {
      at: now.getTime(), runId: r.runId,
      // The `/weave tell` notes the job says it took leave the ledger (github/run-watch.ts), as with the App's heartbeats.
      ...(read?.notesSeen?.length ? { notesSeen: read.notesSeen } : {}),
      status: {
        milestone: id, runId: String(r.runId), state: ended ?? "running",
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

export interface EndedRun {
  signal?: "pause" | "stop";
  /** A resolve job: unless stopped, what its end means is the loop's (the conflict stays for a person). */
  resolving: boolean;
  budgetStopped: boolean;
  /** The plan's `budget_ceiling`; undefined: none. */
  ceilingUsd?: number;
  /** Every other milestone's recorded spend. */
  othersCostUsd: number;
  /** This milestone's recorded spend. */
  ownCostUsd: number;
  /** The allowance its job was dispatched with (core/worker-allowance.ts). */
  allowanceUsd?: number;
  /** What weave/<ID> shows: its checkpoints and what they cost. */
  branch: { tasksDone: number; costUsd: number };
  tasks: number;
}

/**
 * What a run that ended without a closing report means: `judge` leaves it to the loop (github/run-watch.ts: finished
 * when the branch has every checkpoint, else requeued like a dead job); `stopped` and `paused` are the end the job
 * was asked for (a person's signal, or the budget's: its signal, the run's budget stop, or a branch whose spend
 * brings the run to its ceiling, counted as github/budget-reach.ts counts it — the worker enforces the budget itself and may stop before any pass saw it).
 */
export function endedRunVerdict(run: EndedRun): "judge" | "stopped" | "paused" {
  if (run.signal === "stop") return "stopped";
  if (run.resolving || run.branch.tasksDone >= run.tasks) return "judge";
  // knownSpend's sum (reconcile/budget.ts): every other record's spend, and the higher of this one's record and branch.
  const spend = runSpend([["others", { costUsd: run.othersCostUsd }], ["own", { costUsd: run.ownCostUsd }]], run.ceilingUsd, run.budgetStopped, (id) => (id === "own" ? run.branch.costUsd : undefined));
  if (isBudgetReached(spend)) return "stopped";
  if (stoppedOnAllowance({ state: "stopped", costUsd: run.ownCostUsd, ...(run.allowanceUsd !== undefined ? { allowanceUsd: run.allowanceUsd } : {}), ...(run.signal ? { signal: run.signal } : {}) }, run.budgetStopped, Math.max(run.ownCostUsd, run.branch.costUsd))) return "paused";
  if (run.signal === "pause") return "paused";
  return "judge";
}

function othersCost(ledger: Ledger, id: string): number {
  let total = 0;
  for (const [other, r] of Object.entries(ledger.milestones)) if (other !== id) total += r.costUsd;
  return total;
}

/**
 * The progress the worker wrote on its check run, if it is a claim the coordinator may take, with the ids of the notes
 * it says it took (one REST call).
 */
async function checkRunClaim(client: RepoClient, id: string, r: LedgerMilestone): Promise<{ status: HeartbeatStatus; notesSeen?: string[] } | undefined> {
  if (r.checkRunId === undefined || r.dispatchId === undefined) return undefined;
  const text = (await client.getCheckRun(r.checkRunId).catch(() => undefined))?.output?.text;
  const status = takeCheckRunClaim(text, id, r);
  return status ? { status, notesSeen: readWorkerCheckClaim(text)?.notes_seen } : undefined;
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
