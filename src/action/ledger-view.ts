/**
 * What a worker reads in the run ledger (`refs/weave/state`, `state.json`) when no coordinator answers its
 * heartbeats (Actions mode): its own record's pause/stop signal, `/weave tell` notes and check run, and the run's
 * remaining budget.
 * Responsibilities: a lenient zod read of only those fields (the ledger is the coordinator's; the worker never writes
 * it); the run's remaining budget for this worker, as the App's heartbeat reply would say it, and with the job's
 * allowance (the coordinator's share for it, core/worker-allowance.ts) what it may still spend.
 * Not here: fetching the ledger (action/ledger-fetch.ts), acting on it (action/ledger-reporter.ts), the ledger's
 * full shape (github/ledger.ts: an adapter the Action may not import).
 * Invariants: pure; a record whose dispatch id is not this job's is not this job's — its signal and check run are
 * ignored, its notes too (a requeued milestone's new job owns them); a ledger that does not parse reads as undefined, never as
 * "no budget left" or "go on".
 */
import { z } from "zod";

const Milestone = z.object({
  state: z.string(),
  costUsd: z.number().finite().nonnegative().catch(0),
  dispatchId: z.string().optional(),
  checkRunId: z.number().int().positive().optional(),
  signal: z.enum(["pause", "stop"]).optional().catch(undefined),
  notes: z.array(z.object({ id: z.string().max(64), text: z.string().max(4000) }).loose()).max(200).optional().catch(undefined),
}).loose();

const LedgerFile = z.object({
  run: z.object({ budgetStopped: z.boolean().catch(false) }).loose().optional(),
  milestones: z.record(z.string(), Milestone),
}).loose();

export interface LedgerView {
  /** The ledger has a run at all (no run: the milestone is not the coordinator's any more). */
  hasRun: boolean;
  /** The ledger's record for this milestone is of this job's dispatch. */
  ours: boolean;
  signal?: "pause" | "stop";
  checkRunId?: number;
  /** The `/weave tell` notes the ledger holds for this milestone (only when the record is of this job's dispatch). */
  notes?: { id: string; text: string }[];
  budgetStopped: boolean;
  /** Known spend of this milestone as the ledger records it (its earlier attempts included). */
  ownCostUsd: number;
  /** Known spend of every other milestone of the run, as the ledger records it. */
  othersCostUsd: number;
}

export function readLedgerView(json: unknown, milestone: string, dispatchId: string): LedgerView | undefined {
  const parsed = LedgerFile.safeParse(json);
  if (!parsed.success) return undefined;
  const { run, milestones } = parsed.data;
  const own = Object.hasOwn(milestones, milestone) ? milestones[milestone] : undefined;
  const ours = own !== undefined && own.dispatchId === dispatchId;
  let othersCostUsd = 0;
  for (const [id, r] of Object.entries(milestones)) if (id !== milestone) othersCostUsd += r.costUsd;
  return {
    hasRun: run !== undefined, ours, budgetStopped: run?.budgetStopped ?? false, ownCostUsd: own?.costUsd ?? 0, othersCostUsd,
    ...(ours && own.signal ? { signal: own.signal } : {}),
    ...(ours && own.checkRunId !== undefined ? { checkRunId: own.checkRunId } : {}),
    ...(ours && own.notes?.length ? { notes: own.notes.map((n) => ({ id: n.id, text: n.text })) } : {}),
  };
}

/**
 * What the run may still spend apart from this worker's task in flight, given this worker's settled spend: the
 * ceiling less every other milestone's recorded spend and this one's (the larger of what the worker settled and what
 * the ledger holds); 0 once the run is budget-stopped; undefined without a ceiling. Other workers' spend since the
 * last coordinator pass is not in the ledger: the job's allowance (workerBudgetLeft) bounds it.
 */
export function ledgerBudgetLeft(view: LedgerView | undefined, ceilingUsd: number | undefined, settledUsd: number): number | undefined {
  if (!view || ceilingUsd === undefined) return undefined;
  if (view.budgetStopped) return 0;
  return ceilingUsd - view.othersCostUsd - Math.max(settledUsd, view.ownCostUsd);
}

/**
 * What this worker may still spend apart from its task in flight: the least of the ledger's word (ledgerBudgetLeft)
 * and its own allowance (the most the milestone may have spent when this job stops, less its settled spend);
 * undefined when neither applies.
 */
export function workerBudgetLeft(ledgerLeftUsd: number | undefined, allowanceUsd: number | undefined, settledUsd: number): number | undefined {
  const own = allowanceUsd === undefined ? undefined : allowanceUsd - settledUsd;
  if (own === undefined) return ledgerLeftUsd;
  return ledgerLeftUsd === undefined ? own : Math.min(own, ledgerLeftUsd);
}

/** GITHUB_TOKEN's REST allowance per repository and hour, and the share weave's workers give their check runs. */
export const GITHUB_TOKEN_CALLS_PER_HOUR = 1000;
export const WORKER_PROGRESS_CALLS_PER_HOUR = 400;

/**
 * Seconds between one worker's check-run updates: the plan's `max_workers` workers together stay within
 * WORKER_PROGRESS_CALLS_PER_HOUR (one update per 9 s × max_workers each), and never more often than the heartbeat.
 */
export function progressIntervalSec(maxWorkers: number, heartbeatIntervalSec: number): number {
  return Math.max(heartbeatIntervalSec, Math.ceil((3600 * Math.max(1, maxWorkers)) / WORKER_PROGRESS_CALLS_PER_HOUR));
}
