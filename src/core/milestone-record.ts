/**
 * Milestone record: the fields every home keeps for a milestone of a run — its lifecycle state, progress, spend,
 * the last reason and the merge requests — so the loop (src/reconcile/) reads and moves one record type whatever
 * the home.
 * Responsibilities: the shared type; each home's record extends it with what only that home has (the local
 * `MilestoneRecord` in core/contracts/run-state.ts: pid, slot, merge commit; the App's `LedgerMilestone` in
 * github/ledger-content.ts: dispatch and run ids, check run, PR, signal, heartbeat time).
 * Not here: the schemas and versions of what is on disk (core/contracts/run-state.ts, github/ledger-content.ts), the
 * lifecycle table (core/lifecycle.ts).
 * Invariants: a type only — adding a field here adds it to both homes' records (and both schemas must then name it:
 * their SameShape checks fail the build otherwise); nothing here changes what is persisted.
 */
import type { MilestoneState } from "./lifecycle.js";
import type { VerifyStatus } from "../ports/reporter.js";

export interface MilestoneCore {
  state: MilestoneState;
  /** Worker starts so far (the first start included). */
  attempts: number;
  /** Stale requeues so far. */
  requeues: number;
  tasks: number;
  tasksDone: number;
  /** Known spend (USD). */
  costUsd: number;
  startedAt?: string;
  finishedAt?: string;
  /** The branch head the worker last reported. */
  headSha?: string;
  /** Why the record is where it is (shown to people). */
  reason?: string;
  verify?: VerifyStatus;
  /** Set by `merge`: merge even under `merge.auto: confirm|manual`. */
  mergeRequested?: boolean;
  /** Set by `merge --force`: land even though verify failed. */
  forceMerge?: boolean;
  /** The last merge attempt hit an error a person must fix: no automatic retry. */
  mergeBlocked?: boolean;
  conflictFiles?: string[];
}
