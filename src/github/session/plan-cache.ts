/**
 * Plan cache: the repository's plan as last parsed here, with the blob it came from.
 * Responsibilities: spare a read and a parse of `.github/weave.yml` per event (github/plan-source.ts fills it).
 * Not here: reading or parsing the plan (github/plan-source.ts, core/plan/).
 * Invariants: `current` is the parse of the blob `sha`; it is dropped (set undefined) when a push may have changed
 * the plan on the default branch, so the next read fetches it again.
 */
import type { Plan } from "../../core/plan/plan.js";

export interface PlanCache {
  current?: { sha: string; plan: Plan };
}

export function createPlanCache(): PlanCache {
  return {};
}
