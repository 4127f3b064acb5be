/**
 * Worker allowances: how a run's remaining budget is split among the jobs that run side by side when no coordinator
 * hears their spend live (the Actions home: a worker's spend reaches the ledger only at the next coordinator pass, so
 * two workers that each may spend what the run has left can together spend it twice).
 * Responsibilities: the allowance of a job about to be dispatched — the most its milestone may have spent, in all,
 * when that job stops — so that the outstanding allowances of the active jobs never sum past the run's remaining
 * budget; re-granted as jobs end (an ended job's unspent allowance is free again); and whether a stopped job stopped
 * on its allowance (then it is resumed with a new one, not judged a failure).
 * Not here: dispatching (github/dispatch.ts), the worker's enforcement (action/ledger-reporter.ts,
 * action/run-milestone.ts), resuming (actions-home/allowance-resume.ts).
 * Invariants: pure; spend the ledger records is never granted again; with no ceiling there is no allowance.
 */

/** What the split reads of one milestone's ledger record. */
export interface AllowanceRecord {
  state: string;
  /** Known spend (USD), its earlier jobs included. */
  costUsd: number;
  /** The allowance its current (or last) job was dispatched with: the most the milestone may have spent when it stops. */
  allowanceUsd?: number;
}

/** States whose job holds its allowance (dispatched and not ended); `stale` is not one (its job may be dispatched again). */
const HOLDING = new Set(["claimed", "running"]);
/** States of a milestone that still wants budget: it may be dispatched later in this run. */
const WAITING = new Set(["pending", "eligible", "stale", "paused", "stopped"]);

/** A grant below this share of the ceiling is not worth a runner: the job waits instead (re-granted as others end). */
export const MIN_ALLOWANCE_SHARE = 0.01;

export interface AllowanceInput {
  /** The run's ceiling (USD); undefined: no allowance. */
  ceilingUsd: number | undefined;
  /** The plan's `max_workers`. */
  workers: number;
  milestones: Readonly<Record<string, AllowanceRecord>>;
  /** The milestone about to be dispatched. */
  id: string;
}

export interface AllowanceGrant {
  /** The most the milestone may have spent, in all, when its job stops (its recorded spend plus `grantUsd`). */
  allowanceUsd: number;
  /** What this job may spend. */
  grantUsd: number;
  /** The run's budget not yet spent nor held by an active job's allowance. */
  freeUsd: number;
  /** Below MIN_ALLOWANCE_SHARE of the ceiling: not worth dispatching now. */
  tooSmall: boolean;
}

/** What an active job may still spend of its allowance (0 once spent; a job without one holds nothing known). */
function held(r: AllowanceRecord): number {
  return r.allowanceUsd === undefined ? 0 : Math.max(0, r.allowanceUsd - r.costUsd);
}

/**
 * The allowance of `id`'s next job: the free budget (the ceiling less every milestone's recorded spend and what the
 * other active jobs still hold) split evenly among the jobs that may run side by side — this one, and as many of the
 * milestones still waiting as `max_workers` leaves room for beside the active ones. Undefined without a ceiling.
 */
export function grantAllowance(input: AllowanceInput): AllowanceGrant | undefined {
  if (input.ceilingUsd === undefined) return undefined;
  let spent = 0;
  let holding = 0;
  let active = 0;
  let waiting = 0;
  for (const [id, r] of Object.entries(input.milestones)) {
    spent += r.costUsd;
    if (id === input.id) continue;
    if (HOLDING.has(r.state)) {
      active += 1;
      holding += held(r);
    } else if (WAITING.has(r.state)) waiting += 1;
  }
  const freeUsd = roundDown(Math.max(0, input.ceilingUsd - spent - holding));
  const sharers = Math.max(1, Math.min(Math.max(1, input.workers) - active, 1 + waiting));
  const grantUsd = roundDown(freeUsd / sharers);
  const own = input.milestones[input.id]?.costUsd ?? 0;
  return { allowanceUsd: roundDown(own + grantUsd), grantUsd, freeUsd, tooSmall: grantUsd < input.ceilingUsd * MIN_ALLOWANCE_SHARE };
}

/**
 * A job that stopped without being asked, at or past its allowance, while the run is not budget-stopped: it stopped
 * on its allowance (not a failure, not the run's budget) and is resumed with a new one when the budget allows.
 */
export function stoppedOnAllowance(r: AllowanceRecord & { signal?: string }, budgetStopped: boolean, costUsd = r.costUsd): boolean {
  return !budgetStopped && r.signal === undefined && r.allowanceUsd !== undefined && costUsd >= r.allowanceUsd;
}

/** To a hundredth of a cent, down: a grant never exceeds what is free. */
function roundDown(usd: number): number {
  return Math.floor(usd * 10_000 + 1e-9) / 10_000;
}
