/**
 * Forge port: what the reconcile loop asks of a home to act on its decisions — start milestones' workers (local
 * processes, Actions jobs), land a milestone on the target, tell workers to pause or stop, start a resolve job.
 * Implementations: local/local-forge.ts (worktrees, warm worker processes, a local merge), github/github-forge.ts
 * (claims, check runs and dispatches, merge-back through a PR or a push, the ledger's signal).
 * Not here: which actions to take (reconcile/decide.ts), the record side of each action (reconcile/apply.ts), reading
 * the world (each home's observe).
 * Invariants: every call is repeat-safe (a milestone already started, landed or signalled is not started, landed or
 * signalled twice); a call that fails for one milestone leaves the reason on that milestone's record and does not
 * throw for the others; the adapter writes the outcome on the record (claimed, merged, conflict, failed).
 */
import type { WorkerSignal } from "./reporter.js";

export interface Forge {
  /** Starts these milestones' workers, side by side; each start that fails leaves its reason on its record. */
  start(ids: readonly string[]): Promise<void>;
  /** Lands a milestone on the target now, or records why it cannot land yet (conflict, scope, a refusal). */
  land(id: string): Promise<void>;
  /** Asks these milestones' workers to pause or stop (`reason` is what they are told). */
  signal(ids: readonly string[], signal: WorkerSignal, reason: string): Promise<void>;
  /** Starts a resolve job for a milestone in conflict (`merge.resolve: agent`): its agent merges the target in. */
  resolve(id: string): Promise<void>;
}
