/**
 * Ledger cache: the run ledger as last read or written in this process, the version a reconcile may start from, and
 * the guard it is read and written with.
 * Responsibilities: heartbeat replies and the budget check read `latest` without an API call; a reconcile starts from
 * `version` instead of reading (github/reconcile-repo.ts).
 * Not here: the ledger's format and compare-and-swap (github/ledger.ts).
 * Invariants: `version` is dropped when a write loses its compare-and-swap (the next reconcile reads afresh); the
 * guard (MAC key, last version known good) is one per repository for the life of the process.
 */
import type { Ledger, LedgerGuard, LedgerVersion } from "../ledger.js";

export interface LedgerCache {
  /** The ledger as last read or written here. */
  latest?: Ledger;
  /** The version a reconcile may start from without reading. */
  version?: LedgerVersion;
  readonly guard: LedgerGuard;
}

export function createLedgerCache(guard: LedgerGuard): LedgerCache {
  return { guard };
}
