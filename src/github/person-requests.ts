/**
 * Person requests outside comments: a check-run button (`retry`, `merge`) and an approving review in
 * `merge.auto: confirm` mode, as changes to the ledger.
 * Responsibilities: what each request changes in a milestone's record, the same for the App server
 * (github/weave-app.ts) and the coordinator run inside Actions (actions-home/coordinate.ts); a button means what its
 * command means (core/control.ts).
 * Not here: who may ask (the caller checks write permission first), writing the ledger (comment-commands.ts
 * updateLedger), comment commands (github/comment-commands.ts).
 * Invariants: pure mutations of the given ledger; a request that does not fit the milestone's state changes nothing.
 */
import { controlMilestones } from "../core/control.js";
import type { ControlResult } from "../core/control.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { moveRecord } from "./mutate-record.js";
import type { Ledger } from "./ledger.js";

/**
 * A check-run button, as the command it stands for on that milestone (core/control.ts): `retry` is `/weave resume
 * <ID>` (a failed, stopped or paused milestone runs again from its checkpoint), `merge` is `/weave merge <ID>` (a
 * finished one, or one left merging or in conflict). `plan` (when the session has it) lets a retry of a skipped
 * milestone find the failure behind it; without it the next reconcile skips it again if a dependency still failed.
 */
export function applyButton(ledger: Ledger, id: string, identifier: string, login: string, plan?: Plan): void {
  if (identifier !== "retry" && identifier !== "merge") return;
  const result = controlMilestones({
    verb: identifier, ids: [id], by: login, records: ledger.run ? ledger.milestones : undefined, order: plan?.milestones.map((m) => m.id) ?? Object.keys(ledger.milestones),
    dependsOn: (of) => (plan ? findMilestone(plan, of)?.depends_on ?? [] : []), spell: (c) => `/weave ${c}`,
  });
  if (!result.refused) applyControl(ledger, result);
}

/** Applies core/control.ts's changes to the ledger's records (the App's half of a stop, pause, resume, merge or retry). */
export function applyControl(ledger: Ledger, result: ControlResult): void {
  for (const change of result.changes) {
    const r = ledger.milestones[change.id]!;
    if (change.signal) r.signal = change.signal;
    if (change.move) moveRecord(change.id, r, change.move.to, change.move.reason);
    if (change.restart) {
      r.signal = undefined;
      r.requeues = 0;
    }
    if (change.mergeRequested) {
      r.mergeRequested = true;
      r.mergeBlocked = false;
    }
    if (change.forceMerge) r.forceMerge = true;
  }
  if (result.clearBudgetStop && ledger.run) ledger.run.budgetStopped = false;
}

/** An approving review of milestone PR `pull` from someone who may merge: the confirmation `merge.auto: confirm` waits for. */
export function applyApproval(ledger: Ledger, pull: number): void {
  const entry = Object.entries(ledger.milestones).find(([, r]) => r.pr === pull);
  if (entry && ["finished", "conflict"].includes(entry[1].state)) {
    entry[1].mergeRequested = true;
    entry[1].mergeBlocked = false;
  }
}
