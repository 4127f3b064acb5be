/**
 * Apply: runs decide()'s actions — the record side of each (requeue, fail, skip, unskip, budget stop) written the
 * same in every home, the effects (start, land, signal, resolve) through the home's Forge (ports/forge.ts).
 * Responsibilities: the order (actions as decide() gave them, starts last and side by side), the record side as a
 * pure function (`recordChange`), the budget's signal, telling the home what was applied (a view line, a changed id).
 * Not here: deciding (reconcile/decide.ts), the effects themselves (local/local-forge.ts, github/github-forge.ts),
 * persisting (each home writes its record after the pass).
 * Invariants: every state change goes through the home's `move` (the lifecycle's check); apply never throws for one
 * milestone's trouble (the Forge records it on the record); running the same actions twice is harmless.
 */
import { REASONS, requeuedReason } from "../core/failure-reasons.js";
import type { MilestoneState } from "../core/lifecycle.js";
import type { MilestoneCore } from "../core/milestone-record.js";
import type { Plan } from "../core/plan/plan.js";
import type { Forge } from "../ports/forge.js";
import type { WorkerSignal } from "../ports/reporter.js";
import type { Action } from "./decide.js";

/** What an action writes on its milestone's record (the record side, the same in every home). */
export interface RecordChange {
  to: MilestoneState;
  reason: string;
  requeues?: number;
}

type RecordAction = Extract<Action, { kind: "requeue" | "fail" | "skip" | "unskip" }>;

/** The record side of a requeue, fail, skip or unskip. Pure. */
export function recordChange(action: RecordAction, record: Pick<MilestoneCore, "requeues" | "reason">, plan: Pick<Plan, "retries">): RecordChange {
  switch (action.kind) {
    case "requeue":
      return { to: "eligible", reason: requeuedReason(record.requeues + 1, plan.retries, record.reason), requeues: record.requeues + 1 };
    case "fail":
      return { to: "failed", reason: action.reason };
    case "skip":
      return { to: "skipped", reason: action.reason };
    case "unskip":
      return { to: "pending", reason: action.reason };
  }
}

/** What the budget's stop tells running workers: `budget_action: drain` lets them finish their task and pause. */
export function budgetSignal(plan: Pick<Plan, "budget_action">): WorkerSignal {
  return plan.budget_action === "drain" ? "pause" : "stop";
}

export interface ApplyTarget {
  plan: Plan;
  records: Readonly<Record<string, MilestoneCore>>;
  /** The run's record: the budget stop is written here. */
  run: { budgetStopped: boolean };
  /** The home's lifecycle move; it records `reason` on the record. */
  move(id: string, to: MilestoneState, reason: string): void;
  forge: Forge;
  /** Told after each action is applied (starts: after all of them). */
  applied?(action: Action): void | Promise<void>;
}

export async function apply(actions: readonly Action[], t: ApplyTarget): Promise<void> {
  const starts: Action[] = [];
  for (const action of actions) {
    switch (action.kind) {
      case "requeue": case "fail": case "skip": case "unskip": {
        const record = t.records[action.id]!;
        const change = recordChange(action, record, t.plan);
        if (change.requeues !== undefined) record.requeues = change.requeues;
        t.move(action.id, change.to, change.reason);
        break;
      }
      case "budget-stop":
        t.run.budgetStopped = true;
        await t.forge.signal(action.ids, budgetSignal(t.plan), REASONS.budgetReached);
        break;
      case "merge":
        await t.forge.land(action.id);
        break;
      case "resolve":
        await t.forge.resolve(action.id);
        break;
      case "start":
        starts.push(action);
        continue;
    }
    await t.applied?.(action);
  }
  if (starts.length === 0) return;
  await t.forge.start(starts.map((a) => ("id" in a ? a.id : "")));
  for (const action of starts) await t.applied?.(action);
}
