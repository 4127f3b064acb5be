/**
 * Ledger record moves: lifecycle transitions for the App's ledger records, stepping through `eligible` where the
 * lifecycle requires it, and applying a worker's heartbeat (a claim, already parsed and checked) to its record.
 * Not here: the transition table (core/lifecycle.ts), what a report means for the record (reconcile/observe.ts),
 * deciding (reconcile/decide.ts), checking the claim (core/heartbeat-claim.ts, github/finish-evidence.ts).
 * Invariants: every move goes through core/lifecycle.ts `transition`; a heartbeat moves only its own record, only
 * from a worker's states, never to `merged`, and to `finished` only with the branch's evidence; no raw job output
 * is kept (the reason is the job's one-line error, shown redacted; the tail stays in the job log).
 */
import type { MilestoneState } from "../core/lifecycle.js";
import { WORKER_HELD_STATES, canTransition, transition } from "../core/lifecycle.js";
import type { WorkerStatus } from "../ports/reporter.js";
import { observeWorker, takeTransition } from "../reconcile/observe.js";
import type { LedgerMilestone } from "./ledger.js";
import { neutraliseText } from "../core/safe-text.js";

export function moveRecord(id: string, record: LedgerMilestone, to: MilestoneState, reason?: string): void {
  if (record.state === to) return;
  if (!canTransition(record.state, to) && canTransition(record.state, "eligible") && canTransition("eligible", to)) record.state = "eligible";
  if (!canTransition(record.state, to) && canTransition(record.state, "running") && canTransition("running", to)) record.state = "running";
  record.state = transition(id, record.state, to);
  if (reason !== undefined) record.reason = reason;
}

/**
 * One line of the job's own words, bounded and neutralised (no mention, tag or link: core/safe-text.ts) before it is
 * kept; the repo client redacts secrets from whatever it posts.
 */
const jobWords = (text: string | undefined, fallback: string): string => neutraliseText((text ?? fallback).split("\n")[0]!.slice(0, 300)) || fallback;

/**
 * Applies a heartbeat (the rules are reconcile/observe.ts, the same as the local coordinator's); true when the
 * record's state changed. `finishNotShown` is why the branch does not show a `finished` claim
 * (github/finish-evidence.ts): then the claim is not taken and the record says why.
 */
export function applyHeartbeat(id: string, record: LedgerMilestone, status: WorkerStatus, at: Date, budgetStopped: boolean, finishNotShown?: string): boolean {
  if (!WORKER_HELD_STATES.has(record.state)) return false;
  if (status.milestone !== id || !Number.isFinite(status.costUsd) || status.costUsd < 0) return false;
  const report = { ...status, error: status.error === undefined ? undefined : jobWords(status.error, status.state) };
  const t = observeWorker({
    id, record, report, liveness: "unknown", timeoutS: Number.POSITIVE_INFINITY, finishNotShown, budgetStopped, signal: record.signal, command: "/weave",
  });
  record.lastHeartbeat = at.toISOString();
  if (t.take?.costUnknown) record.costUnknown = true;
  if (t.resolveEnded) {
    if (t.to === "finished" || t.to === "paused") record.resolveAttempts = 0; // a resolve job that finished ends this conflict
    record.resolving = false;
  }
  return takeTransition(record, t, at, (to) => moveRecord(id, record, to));
}
