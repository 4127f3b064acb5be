/**
 * Decide: from a snapshot of a run, the actions that move it toward "every milestone merged".
 * Responsibilities: requeue or fail stale workers, enforce the budget, skip dependents of failures (and lift the skip
 * once the failure is gone), resolve jobs for conflicts (`merge.resolve: agent`, in worker slots), order merges
 * (sequential or by completion, gated by `merge.auto`), and pick what to start (rank, free slots, serialize locks).
 * Not here: observing the world (reconcile/observe.ts and each home's reading), acting (reconcile/apply.ts), the budget
 * rule (reconcile/budget.ts), whether a conflict goes to a resolve job (reconcile/resolve-gate.ts), eligibility rules
 * (core/eligibility.ts).
 * Invariants: pure; the same snapshot always gives the same actions; never starts (or resolves) more than the free slots.
 */
import { dependencyOrder, findEligibility } from "../core/eligibility.js";
import { silentTooOftenReason } from "../core/failure-reasons.js";
import type { MilestoneState } from "../core/lifecycle.js";
import { ACTIVE_STATES } from "../core/lifecycle.js";
import type { MilestoneCore } from "../core/milestone-record.js";
import type { Plan } from "../core/plan/plan.js";
import { pickToStart } from "../core/schedule/pick.js";
import { skipsToLift } from "../core/skip-lift.js";
import { isBudgetCrossed, isBudgetReached } from "./budget.js";
import { resolveGate } from "./resolve-gate.js";

/** What decide() reads of a milestone's record: the shared fields (core/milestone-record.ts), so both homes' records fit. */
export type MilestoneView = Pick<MilestoneCore, "state" | "requeues" | "finishedAt" | "mergeRequested" | "forceMerge" | "mergeBlocked"> & {
  /** Resolve jobs already run for the current conflict (the App's record). */
  resolveAttempts?: number;
};

export interface Snapshot {
  plan: Plan;
  milestones: ReadonlyMap<string, MilestoneView>;
  rankOf: (id: string) => number;
  costUsd: number;
  /** The run's ceiling (plan or --budget); undefined = none. */
  budgetUsd?: number;
  budgetStopped: boolean;
  workers: number;
  /** The home runs resolve jobs for conflicts under `merge.resolve: agent` (the App does; the local CLI does not yet). */
  resolveJobs?: boolean;
}

export { RESOLVE_ATTEMPTS } from "./resolve-gate.js";

export type Action =
  | { kind: "requeue"; id: string }
  | { kind: "fail"; id: string; reason: string }
  | { kind: "budget-stop"; ids: string[] }
  | { kind: "skip"; id: string; reason: string }
  /** A skipped milestone whose failed dependency no longer is: it becomes `pending` again. */
  | { kind: "unskip"; id: string; reason: string }
  | { kind: "merge"; id: string }
  /** A resolve job for a conflict (`merge.resolve: agent`): it takes a worker slot like a start. */
  | { kind: "resolve"; id: string }
  | { kind: "start"; id: string };

export function decide(snapshot: Snapshot): Action[] {
  const { plan } = snapshot;
  const actions: Action[] = [];
  const states = new Map<string, MilestoneState>();
  for (const [id, view] of snapshot.milestones) states.set(id, view.state);

  for (const [id, view] of snapshot.milestones) {
    if (view.state !== "stale") continue;
    if (view.requeues < plan.retries) {
      actions.push({ kind: "requeue", id });
      states.set(id, "eligible");
    } else {
      actions.push({ kind: "fail", id, reason: silentTooOftenReason(view.requeues + 1, plan.heartbeat_timeout) });
      states.set(id, "failed");
    }
  }

  const spend = { spentUsd: snapshot.costUsd, ceilingUsd: snapshot.budgetUsd, stopped: snapshot.budgetStopped };
  if (isBudgetCrossed(spend)) {
    const active = [...states].filter(([, s]) => ACTIVE_STATES.has(s) && s !== "paused" && s !== "stale").map(([id]) => id);
    actions.push({ kind: "budget-stop", ids: active });
  }

  for (const id of skipsToLift(plan, states)) {
    actions.push({ kind: "unskip", id, reason: "its failed dependency is no longer failed" });
    states.set(id, "pending");
  }

  const report = findEligibility(plan, states);
  for (const m of report.ineligible) {
    if (m.kind === "skipped" && states.get(m.id) !== "skipped") {
      actions.push({ kind: "skip", id: m.id, reason: m.reason });
      states.set(m.id, "skipped");
    }
  }

  const reached = isBudgetReached(spend);
  const resolvable = (id: string): boolean => states.get(id) === "conflict" && resolveGate({ plan, resolveJobs: snapshot.resolveJobs === true, resolveAttempts: snapshot.milestones.get(id)?.resolveAttempts, spend }) === "take";
  // A conflict a resolve job will take on waits for it (a merge now would only conflict again).
  actions.push(...decideMerges(snapshot, states).filter((a) => !("id" in a) || !resolvable(a.id)));

  if (reached) return actions;
  const busy = [...states.values()].filter((s) => ACTIVE_STATES.has(s) && s !== "paused").length;
  let freeSlots = Math.max(0, snapshot.workers - busy);
  // Resolve jobs first (their milestone's own work is done; they only finish it), each in a worker slot.
  for (const m of plan.milestones) {
    if (freeSlots === 0 || !resolvable(m.id)) continue;
    actions.push({ kind: "resolve", id: m.id });
    freeSlots--;
  }
  if (freeSlots === 0 || report.eligible.length === 0) return actions;
  for (const id of pickStarts(snapshot, report, freeSlots)) actions.push({ kind: "start", id });
  return actions;
}

/** Eligible milestones by rank, at most `freeSlots`, never two that `overlap: serialize` keeps apart. */
function pickStarts(snapshot: Snapshot, report: ReturnType<typeof findEligibility>, freeSlots: number): string[] {
  const ranked = pickToStart({ eligible: report.eligible.map((m) => m.id), rankOf: snapshot.rankOf, freeSlots: report.eligible.length }).start;
  const serialized = new Map<string, Set<string>>();
  for (const o of report.overlaps) {
    if (!o.serialized) continue;
    serialized.set(o.a, (serialized.get(o.a) ?? new Set()).add(o.b));
    serialized.set(o.b, (serialized.get(o.b) ?? new Set()).add(o.a));
  }
  const chosen: string[] = [];
  for (const id of ranked) {
    if (chosen.length >= freeSlots) break;
    if (chosen.some((c) => serialized.get(id)?.has(c))) continue;
    chosen.push(id);
  }
  return chosen;
}

function decideMerges(snapshot: Snapshot, states: ReadonlyMap<string, MilestoneState>): Action[] {
  const { plan, milestones } = snapshot;
  const wants = (id: string): boolean => {
    const view = milestones.get(id)!;
    if (view.mergeBlocked && !view.mergeRequested) return false;
    if (view.state === "finished") return plan.merge.auto === "auto" || view.mergeRequested === true;
    if (view.state === "conflict") return view.mergeRequested === true;
    if (view.state === "failed") return view.forceMerge === true;
    return false;
  };
  const candidates = plan.milestones.map((m) => m.id).filter((id) => milestones.has(id) && wants(id));
  if (plan.merge.order === "completion") {
    const finishedAt = (id: string): string => milestones.get(id)?.finishedAt ?? "";
    return candidates.sort((a, b) => finishedAt(a).localeCompare(finishedAt(b))).map((id) => ({ kind: "merge", id }));
  }
  return sequentialMerges(snapshot, states, wants).merges;
}

/**
 * Sequential: in plan order (dependencies first where the plan lists a dependent earlier), a milestone lands only
 * after every earlier one has landed (or can never land: failed, skipped). An explicit `weave merge` request jumps
 * the queue. `waits` says, for each finished milestone held back, which earlier milestone it waits for.
 */
function sequentialMerges(snapshot: Snapshot, states: ReadonlyMap<string, MilestoneState>, wants: (id: string) => boolean): { merges: Action[]; waits: Map<string, string> } {
  const { plan, milestones } = snapshot;
  const merges: Action[] = [];
  const waits = new Map<string, string>();
  let blocker: string | undefined;
  for (const m of dependencyOrder(plan)) {
    const state = states.get(m.id) ?? "pending";
    const view = milestones.get(m.id);
    if (wants(m.id) && (!blocker || view?.mergeRequested || view?.forceMerge)) merges.push({ kind: "merge", id: m.id });
    else if (blocker && (state === "finished" || state === "conflict")) waits.set(m.id, blocker);
    if (!blocker && state !== "merged" && state !== "failed" && state !== "skipped") blocker = m.id;
  }
  return { merges, waits };
}

/** For each finished milestone that sequential merge order holds back: the milestone it waits for. Empty for `order: completion`. */
export function sequentialMergeWaits(plan: Plan, states: ReadonlyMap<string, MilestoneState>): Map<string, string> {
  if (plan.merge.order !== "sequential") return new Map();
  const milestones = new Map([...states].map(([id, state]) => [id, { state, requeues: 0 }] as const));
  return sequentialMerges({ plan, milestones, rankOf: () => 0, costUsd: 0, budgetStopped: false, workers: 1 }, states, () => true).waits;
}
