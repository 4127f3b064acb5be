/**
 * Ledger record moves: lifecycle transitions for the App's ledger records, stepping through `eligible` where the
 * lifecycle requires it, and applying a worker's heartbeat to its record.
 * Not here: the transition table (core/lifecycle.ts), deciding (reconcile/decide.ts).
 * Invariants: every move goes through core/lifecycle.ts `transition`.
 */
import type { MilestoneState } from "../core/lifecycle.js";
import { canTransition, transition } from "../core/lifecycle.js";
import type { WorkerStatus } from "../ports/reporter.js";
import type { LedgerMilestone } from "./ledger.js";

export function moveRecord(id: string, record: LedgerMilestone, to: MilestoneState, reason?: string): void {
  if (record.state === to) return;
  if (!canTransition(record.state, to) && canTransition(record.state, "eligible") && canTransition("eligible", to)) record.state = "eligible";
  if (!canTransition(record.state, to) && canTransition(record.state, "running") && canTransition("running", to)) record.state = "running";
  record.state = transition(id, record.state, to);
  if (reason !== undefined) record.reason = reason;
}

/** Applies a heartbeat; true when the record's state changed. */
export function applyHeartbeat(id: string, record: LedgerMilestone, status: WorkerStatus, at: Date, budgetStopped: boolean): boolean {
  if (!["claimed", "running", "stale"].includes(record.state)) return false;
  const before = record.state;
  record.tasksDone = status.tasksDone;
  record.costUsd = status.costUsd;
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
        moveRecord(id, record, "conflict", `the resolve job could not resolve the conflict: ${status.error ?? "failed"}`);
        record.resolving = false;
        break;
      }
      moveRecord(id, record, "failed", `${status.error ?? "failed"}${status.lastOutput?.length ? `\n${status.lastOutput.slice(-5).join("\n")}` : ""}`);
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
      else moveRecord(id, record, "stale", status.error ?? "its job died before it reported");
      break;
    case "stopped":
      moveRecord(id, record, "stopped", budgetStopped ? "budget reached" : status.error ?? record.reason ?? "stopped");
      break;
    default:
      if (record.state !== "running") moveRecord(id, record, "running");
  }
  return record.state !== before;
}
