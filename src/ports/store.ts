/**
 * Store port: where a home keeps its run's record (the local `.weave/state.json`, the App's ledger ref), read and
 * written by compare-and-swap so two writers racing can never both win.
 * Implementations: the local state file and the GitHub ledger ref, each an adapter in its home (local/, github/).
 * Not here: the record's shape and its versioned schema (core/contracts/run-state.ts, github/ledger-content.ts);
 * what goes in it (reconcile/).
 * Invariants: `write` lands only on exactly the version `expected` names, or returns undefined (someone else wrote
 * first: read again and decide again); a version is opaque to callers; `read` never returns data that failed its
 * schema or its integrity check.
 */

/** A value as read from (or written to) a store, with the version a compare-and-swap is made against. */
export interface Stored<T> {
  value: T;
  /** Opaque: a content hash, a commit sha. */
  version: string;
}

export interface Store<T> {
  /** The current value, or undefined when nothing is stored yet. */
  read(): Promise<Stored<T> | undefined>;
  /**
   * Writes `next` when the store still holds `expected` (undefined: nothing stored yet). Returns what was written,
   * or undefined when the store moved meanwhile. `summary` says why (a commit message, a log line).
   */
  write(expected: Stored<T> | undefined, next: T, summary?: string): Promise<Stored<T> | undefined>;
}
