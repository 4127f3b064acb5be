/**
 * Ledger record moves: lifecycle transitions for the App's ledger records, stepping through `eligible` where the
 * lifecycle requires it, and applying a worker's heartbeat (a claim, already parsed and checked) to its record.
 * Not here: the transition table (core/lifecycle.ts), deciding (reconcile/decide.ts), checking the claim
 * (core/heartbeat-claim.ts, github/finish-evidence.ts).
 * Invariants: every move goes through core/lifecycle.ts `transition`; a heartbeat moves only its own record, only
 * from a worker's states, never to `merged`, and to `finished` only with the branch's evidence; no raw job output
 * is kept (the reason is the job's one-line error, shown redacted; the tail stays in the job log).
 */
import type { MilestoneState } from "../core/lifecycle.js";
import { canTransition, transition } from "../core/lifecycle.js";
import type { WorkerStatus } from "../ports/reporter.js";
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
 * Applies a heartbeat; true when the record's state changed. `finishNotShown` is why the branch does not show a
 * `finished` claim (github/finish-evidence.ts): then the claim is not taken and the record says why.
 */
export function applyHeartbeat(id: string, record: LedgerMilestone, status: WorkerStatus, at: Date, budgetStopped: boolean, finishNotShown?: string): boolean {
  if (!["claimed", "running", "stale"].includes(record.state)) return false;
  if (status.milestone !== id || !Number.isFinite(status.costUsd) || status.costUsd < 0) return false;
  const before = record.state;
  if (status.state === "finished" && finishNotShown !== undefined) {
    // Nothing of an unproven claim is taken: not its task count, not its verify.
    record.lastHeartbeat = at.toISOString();
    record.reason = `the job reported finished, but ${finishNotShown}`;
    return false;
  }
  record.tasksDone = Math.min(status.tasksDone, record.tasks);
  record.costUsd = status.costUsd;
  if (status.costUnknown) record.costUnknown = true;
  record.lastHeartbeat = at.toISOString();
  record.headSha = status.headSha ?? record.headSha;
  record.verify = status.verify ?? record.verify;
  switch (status.state) {
    case "finished":
      record.finishedAt = at.toISOString();
      // A resolve job that finished ends this conflict: a later one may get its own.
      if (record.resolving) record.resolveAttempts = 0;
      record.resolving = false;
      moveRecord(id, record, "finished", undefined);
      record.reason = undefined;
      break;
    case "failed":
      if (record.resolving) {
        // A resolve job that could not resolve leaves the conflict for a person, with the job's words.
        moveRecord(id, record, "conflict", `the resolve job could not resolve the conflict: ${jobWords(status.error, "failed")}`);
        record.resolving = false;
        break;
      }
      moveRecord(id, record, "failed", jobWords(status.error, "failed"));
      break;
    case "paused":
      moveRecord(id, record, budgetStopped ? "stopped" : "paused", budgetStopped ? "budget reached" : "paused");
      break;
    case "died":
      // The job's main step ended without a final report (killed, e.g. out of memory): like a job gone silent, it is
      // requeued within `retries` and resumes from its checkpoint; a resolve job's conflict stays for a person; only
      // a person's stop or pause (the signal the App holds) ends it there.
      if (record.resolving) {
        moveRecord(id, record, "conflict", `the resolve job died before it reported; resolve by hand, then \`/weave merge ${id}\``);
        record.resolving = false;
      } else if (record.signal === "stop" || budgetStopped) moveRecord(id, record, "stopped", budgetStopped ? "budget reached" : "stopped");
      else if (record.signal === "pause") moveRecord(id, record, "paused", "paused");
      else moveRecord(id, record, "stale", status.error !== undefined ? jobWords(status.error, "died") : "its job died before it reported");
      break;
    case "stopped":
      moveRecord(id, record, "stopped", budgetStopped ? "budget reached" : status.error !== undefined ? jobWords(status.error, "stopped") : record.reason ?? "stopped");
      break;
    default:
      if (record.state !== "running") moveRecord(id, record, "running");
  }
  return record.state !== before;
}
