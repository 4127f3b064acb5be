/**
 * A worker's final report without an endpoint: in Actions mode the worker's post step dispatches the coordinator
 * workflow with its report (the heartbeat body, `{dispatch_id, status, notes_seen}`) as the `report` input; this turns it
 * into the heartbeat the loop already knows how to weigh.
 * Responsibilities: parse it with the heartbeat body's contract (core/contracts/heartbeat-body.ts), accept it only from a GITHUB_TOKEN
 * (sender `github-actions[bot]`), for the dispatch and run the ledger holds for that milestone, within the claim
 * rules (core/heartbeat-claim.ts); then it is a heartbeat of that run in the session — a `stopped` at or past the
 * job's allowance (core/worker-allowance.ts) as `paused`, so the milestone waits for a new allowance.
 * Not here: what a heartbeat changes (github/run-watch.ts with github/mutate-record.ts); `finished` is still believed
 * only when weave/<ID> shows every checkpoint (github/finish-evidence.ts).
 * Invariants: a report is a claim, never more: unlike the App's OIDC-pinned heartbeats, nothing proves which job of
 * this repository sent it, so it can only say what the branch and GitHub's run state then confirm or the claim rules allow.
 */
import { parseHeartbeatBody } from "../core/contracts/heartbeat-body.js";
import { claimProblems } from "../core/heartbeat-claim.js";
import type { Ledger } from "../github/ledger.js";
import type { RepoSession } from "../github/repo-session.js";
import type { WorkerStatus } from "../ports/reporter.js";
import { stoppedOnAllowance } from "../core/worker-allowance.js";

/** Who sends a workflow_dispatch made with a job's GITHUB_TOKEN. */
export const ACTIONS_BOT = "github-actions[bot]";

/** Undefined when the report became a heartbeat of its run; otherwise why it was set aside (safe to log). */
export function acceptWorkerReport(session: RepoSession, ledger: Ledger, report: string, sender: string, now: Date): string | undefined {
  if (sender !== ACTIONS_BOT) return `a report sent by ${sender}, not by a job's GITHUB_TOKEN`;
  let json: unknown;
  try {
    json = JSON.parse(report);
  } catch {
    return "the report is not JSON";
  }
  const parsed = parseHeartbeatBody(json);
  if (!parsed.ok) return `the report is not a weave worker status (${parsed.problems.slice(0, 3).join("; ")})`;
  const { dispatch_id: dispatchId, status: claimed, notes_seen: notesSeen } = parsed.body;
  const id = claimed.milestone;
  const r = Object.hasOwn(ledger.milestones, id) ? ledger.milestones[id] : undefined;
  if (!r || r.dispatchId === undefined || r.dispatchId !== dispatchId) return `the report is not of the dispatch the ledger holds for ${id}`;
  if (r.runId === undefined) return `the run of ${id} is not known yet (GitHub's run list names it later)`;
  const problems = claimProblems(claimed, r.tasks, undefined);
  if (problems.length) return `the report breaks weave's rules for ${id}: ${problems.join("; ")}`;
  const status: WorkerStatus = { ...claimed, costUsd: claimed.costUsd ?? r.costUsd, pid: claimed.pid ?? 0 };
  // A job that stopped on its own allowance did what it was dispatched to do: it waits, paused, for a new one
  // (actions-home/allowance-resume.ts) — neither a failure nor the run's budget stop.
  if (status.state === "stopped" && stoppedOnAllowance(r, ledger.run?.budgetStopped === true, status.costUsd)) status.state = "paused";
  // The `/weave tell` notes it says it took leave the ledger (github/run-watch.ts).
  session.heartbeats.set(id, { status, at: now.getTime(), runId: r.runId, ...(notesSeen?.length ? { notesSeen } : {}) });
  return undefined;
}
