/**
 * Resuming jobs that stopped on their allowance (Actions home): a worker stops itself once its milestone has spent
 * the allowance its job was dispatched with (core/worker-allowance.ts); the coordinator records that as `paused`
 * with no one's pause signal (actions-home/coordinate-report.ts, coordinate-liveness.ts). Such a milestone is not
 * failed and not budget-stopped: once the run's remaining budget gives it a share worth a runner, it is resumed —
 * made eligible again, so the loop dispatches a new job from its checkpoint with a new allowance.
 * Responsibilities: pick those milestones and move them, or say in their reason what they wait for.
 * Not here: the grant itself (core/worker-allowance.ts, given at dispatch by github/dispatch.ts); when this runs
 * (after each reconcile pass, actions-home/coordinate.ts).
 * Invariants: pure over the ledger it is given; a person's pause or stop (a signal) and the run's budget stop are
 * never lifted here; the resume does not count against `retries` (the job did not fail).
 */
import type { Plan } from "../core/plan/plan.js";
import { grantAllowance, stoppedOnAllowance } from "../core/worker-allowance.js";
import type { Ledger } from "../github/ledger.js";
import { moveRecord } from "../github/mutate-record.js";

/** Reason of a milestone waiting for budget the running jobs hold. */
export const WAITING_FOR_ALLOWANCE = "its job spent its allowance; it resumes from its checkpoint when the jobs running leave budget for it";

/** Moves every milestone paused on its allowance that may run again to `eligible`; the ids moved. */
export function resumeAllowanceStops(ledger: Ledger, plan: Plan): string[] {
  const run = ledger.run;
  if (!run || run.budgetStopped || plan.budget_ceiling === undefined) return [];
  const resumed: string[] = [];
  for (const [id, r] of Object.entries(ledger.milestones)) {
    if (r.state !== "paused" || !stoppedOnAllowance(r, run.budgetStopped)) continue;
    const grant = grantAllowance({ ceilingUsd: plan.budget_ceiling, workers: plan.max_workers, milestones: ledger.milestones, id });
    if (!grant || grant.tooSmall) {
      r.reason = WAITING_FOR_ALLOWANCE;
      continue;
    }
    moveRecord(id, r, "eligible", `resumed: its job spent its allowance, and the run has $${grant.freeUsd.toFixed(2)} left`);
    resumed.push(id);
  }
  return resumed;
}
