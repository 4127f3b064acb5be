/**
 * Milestone lifecycle: the states a milestone moves through and the one function that moves it.
 * Responsibilities: the state union, legal transitions, and state groupings (worker-held, active, settled, holding
 * locks).
 * Not here: deciding when to move (reconcile/), persisting (local/state-store.ts, github/ledger).
 * Invariants: pure; `transition` rejects every move not listed in TRANSITIONS; `merged` is final.
 */
import { WeaveError } from "./errors.js";

export const MILESTONE_STATES = [
  "pending", "eligible", "claimed", "running", "paused", "finished", "merging", "merged",
  "conflict", "failed", "stale", "stopped", "skipped",
] as const;
export type MilestoneState = (typeof MILESTONE_STATES)[number];

const TRANSITIONS: Record<MilestoneState, readonly MilestoneState[]> = {
  pending: ["eligible", "skipped", "merged", "stopped", "failed"],
  eligible: ["claimed", "pending", "skipped", "stopped", "merged", "failed"],
  claimed: ["running", "stale", "failed", "stopped", "paused", "finished"],
  running: ["paused", "finished", "failed", "stale", "stopped", "conflict"],
  paused: ["claimed", "stopped", "failed", "eligible"],
  finished: ["merging", "failed", "merged", "stopped"],
  merging: ["merged", "conflict", "finished", "failed"],
  merged: [],
  conflict: ["merging", "merged", "failed", "finished", "claimed"],
  failed: ["eligible", "pending", "merged", "merging"],
  stale: ["eligible", "claimed", "failed", "stopped", "running", "finished"],
  stopped: ["eligible", "pending", "claimed", "merged"],
  skipped: ["pending", "eligible", "merged"],
};

export function canTransition(from: MilestoneState, to: MilestoneState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** The new state, or WeaveError("internal") for an illegal move (a bug, not a user error). */
export function transition(id: string, from: MilestoneState, to: MilestoneState): MilestoneState {
  if (!canTransition(from, to)) {
    throw new WeaveError("internal", `illegal lifecycle move for ${id}: ${from} → ${to}`, {
      hint: `allowed from ${from}: ${TRANSITIONS[from].join(", ") || "nothing (final)"}`,
    });
  }
  return to;
}

/**
 * A worker holds the milestone (its claim stands): it may still report, a stop or pause signals it, and it takes a
 * lane. `stale` is included — silent, but not given up on until decide() requeues or fails it; `paused` is not (its
 * worker ended at a checkpoint).
 */
export const WORKER_HELD_STATES: ReadonlySet<MilestoneState> = new Set(["claimed", "running", "stale"]);
/** A worker exists (or should) for these: the worker-held states and `paused` (its slot is kept for a resume). */
export const ACTIVE_STATES: ReadonlySet<MilestoneState> = new Set(["claimed", "running", "paused", "stale"]);
/** Work exists on the branch and is not yet on the target: declared files stay locked under `overlap: serialize`. */
export const HOLDING_STATES: ReadonlySet<MilestoneState> = new Set(["claimed", "running", "paused", "stale", "finished", "merging", "conflict"]);
/** Nothing more happens without a person. */
export const SETTLED_STATES: ReadonlySet<MilestoneState> = new Set(["merged", "failed", "skipped", "stopped", "conflict"]);

export function isMilestoneState(value: unknown): value is MilestoneState {
  return typeof value === "string" && (MILESTONE_STATES as readonly string[]).includes(value);
}
