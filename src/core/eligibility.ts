/**
 * Eligibility: which milestones may start now, why each other one waits, and which declared files overlap.
 * Responsibilities: dependency checks, skip propagation from failures, `overlap: serialize` locks, overlap warnings.
 * Not here: choosing among the eligible (core/schedule/), rendering (core/render/eligibility-report.ts).
 * Invariants: pure; output follows plan order; never lists a milestone with an unmerged dependency, a running one, or a merged one.
 */
import type { MilestoneState } from "./lifecycle.js";
import { HOLDING_STATES } from "./lifecycle.js";
import type { FileOverlap } from "./plan/file-overlap.js";
import type { Plan } from "./plan/plan.js";
import { overlapPolicyOf, titleOf } from "./plan/plan.js";
import { planFileOverlaps } from "./plan/plan-overlaps.js";

export type WaitKind = "merged" | "active" | "failed" | "conflict" | "stopped" | "skipped" | "blocked" | "held";

export interface EligibleMilestone {
  id: string;
  title: string;
}

export interface IneligibleMilestone {
  id: string;
  title: string;
  kind: WaitKind;
  reason: string;
  /** Dependencies not merged yet (blocked), failed milestones (skipped), or lock holders (held). */
  waitingOn: string[];
}

export interface OverlapWarning extends FileOverlap {
  /** True when `overlap: serialize` keeps the pair from running at the same time. */
  serialized: boolean;
}

export interface EligibilityReport {
  eligible: EligibleMilestone[];
  ineligible: IneligibleMilestone[];
  overlaps: OverlapWarning[];
}

const MAX_NAMED = 3;

function listNames(ids: readonly string[]): string {
  return ids.length <= MAX_NAMED ? ids.join(", ") : `${ids.slice(0, MAX_NAMED).join(", ")} and ${ids.length - MAX_NAMED} more`;
}

const STATE_REASON: Partial<Record<MilestoneState, [WaitKind, string]>> = {
  merged: ["merged", "Already merged."],
  claimed: ["active", "Starting."],
  running: ["active", "Running."],
  paused: ["active", "Paused."],
  stale: ["active", "Worker is stale; waiting for requeue."],
  finished: ["active", "Finished; waiting to merge."],
  merging: ["active", "Merging."],
  conflict: ["conflict", "Merge conflict; resolve it, then run `weave merge`."],
  failed: ["failed", "Failed."],
  stopped: ["stopped", "Stopped; `weave resume` starts it again."],
};

/** Eligibility of every milestone given the current states (missing = pending). */
export function findEligibility(plan: Plan, states: ReadonlyMap<string, MilestoneState>): EligibilityReport {
  const stateOf = (id: string): MilestoneState => states.get(id) ?? "pending";
  const byId = new Map(plan.milestones.map((m) => [m.id, m]));

  // Failed milestones each dependent inherits (plan order is not topological: walk in dependency order).
  const failedAncestors = new Map<string, string[]>();
  const order = dependencyOrder(plan);
  for (const m of order) {
    const inherited = new Set<string>();
    for (const dep of m.depends_on) {
      if (stateOf(dep) === "failed") inherited.add(dep);
      for (const f of failedAncestors.get(dep) ?? []) if (inherited.size < MAX_NAMED + 1) inherited.add(f);
    }
    if (inherited.size > 0) failedAncestors.set(m.id, [...inherited]);
  }

  const candidates: string[] = [];
  const ineligible = new Map<string, IneligibleMilestone>();
  for (const m of plan.milestones) {
    const state = stateOf(m.id);
    const known = STATE_REASON[state];
    if (known) {
      ineligible.set(m.id, { id: m.id, title: titleOf(m), kind: known[0], reason: known[1], waitingOn: [] });
      continue;
    }
    const failed = failedAncestors.get(m.id);
    if (failed || state === "skipped") {
      const names = failed ?? [];
      ineligible.set(m.id, {
        id: m.id, title: titleOf(m), kind: "skipped",
        reason: names.length ? `Skipped: ${listNames(names)} failed.` : "Skipped.",
        waitingOn: names,
      });
      continue;
    }
    const unmerged = m.depends_on.filter((dep) => stateOf(dep) !== "merged");
    if (unmerged.length > 0) {
      ineligible.set(m.id, { id: m.id, title: titleOf(m), kind: "blocked", reason: `Blocked by incomplete dependencies: ${listNames(unmerged)}.`, waitingOn: unmerged });
      continue;
    }
    candidates.push(m.id);
  }

  const holders = plan.milestones.filter((m) => HOLDING_STATES.has(stateOf(m.id))).map((m) => m.id);
  // The plan's overlaps (the same answer as `weave plan check`), whatever the run's state; locks use those in the pool.
  const overlaps: OverlapWarning[] = planFileOverlaps(plan).map((o) => ({
    ...o,
    serialized: overlapPolicyOf(plan, byId.get(o.a)!) === "serialize" || overlapPolicyOf(plan, byId.get(o.b)!) === "serialize",
  }));

  const holderSet = new Set(holders);
  const heldBy = new Map<string, { holder: string; files: string[] }[]>();
  for (const o of overlaps) {
    if (!o.serialized) continue;
    for (const [waiter, holder] of [[o.a, o.b], [o.b, o.a]] as const) {
      if (holderSet.has(holder) && !holderSet.has(waiter)) heldBy.set(waiter, [...(heldBy.get(waiter) ?? []), { holder, files: o.files }]);
    }
  }

  const eligible: EligibleMilestone[] = [];
  for (const id of candidates) {
    const m = byId.get(id)!;
    const held = heldBy.get(id);
    if (held) {
      const first = held[0]!;
      ineligible.set(id, {
        id, title: titleOf(m), kind: "held",
        reason: `Waits: ${first.files.join(", ")} ${first.files.length === 1 ? "is" : "are"} held by ${first.holder}${held.length > 1 ? ` (and ${listNames(held.slice(1).map((h) => h.holder))})` : ""}.`,
        waitingOn: held.map((h) => h.holder),
      });
    } else eligible.push({ id, title: titleOf(m) });
  }

  return {
    eligible,
    ineligible: plan.milestones.map((m) => ineligible.get(m.id)).filter((x): x is IneligibleMilestone => x !== undefined),
    overlaps,
  };
}

/** Milestones ordered so every dependency comes before its dependents (Kahn, plan order among ties). */
export function dependencyOrder(plan: Plan): Plan["milestones"] {
  const index = new Map(plan.milestones.map((m, i) => [m.id, i]));
  const pending = plan.milestones.map((m) => m.depends_on.length);
  const dependents: number[][] = plan.milestones.map(() => []);
  plan.milestones.forEach((m, i) => m.depends_on.forEach((d) => dependents[index.get(d)!]!.push(i)));
  const queue = pending.flatMap((p, i) => (p === 0 ? [i] : []));
  for (let head = 0; head < queue.length; head++) {
    for (const next of dependents[queue[head]!]!) if (--pending[next]! === 0) queue.push(next);
  }
  return queue.map((i) => plan.milestones[i]!);
}
