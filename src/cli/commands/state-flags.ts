/**
 * State flags shared by `weave plan eligible` and `weave plan graph`: `--merged`, `--running`, `--failed` ID lists.
 * Responsibilities: turn the flags into a state map, rejecting IDs not in the plan and IDs named twice.
 * Not here: live states of a run (local/state-store.ts).
 * Invariants: every ID in the map is a milestone of the plan.
 */
import { WeaveError } from "../../core/errors.js";
import type { MilestoneState } from "../../core/lifecycle.js";
import type { Plan } from "../../core/plan/plan.js";
import { idList } from "../plan-arg.js";

export const STATE_FLAG_OPTIONS = {
  merged: { type: "string", multiple: true },
  running: { type: "string", multiple: true },
  failed: { type: "string", multiple: true },
} as const;

export function statesFromFlags(plan: Plan, values: { merged?: string[]; running?: string[]; failed?: string[] }): Map<string, MilestoneState> {
  const states = new Map<string, MilestoneState>();
  for (const state of ["merged", "running", "failed"] as const) {
    for (const id of idList(plan, values[state], `--${state}`)) {
      const before = states.get(id);
      if (before && before !== state) throw new WeaveError("usage", `${id} is given as both ${before} and ${state}`);
      states.set(id, state);
    }
  }
  return states;
}
