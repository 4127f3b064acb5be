/**
 * The GitHub homes' Store (ports/store.ts) of a run's record: the run ledger at `refs/weave/state`, over git (the
 * App's mirror) or over REST, with its MAC guard (github/ledger.ts). The App server and the Actions home read and
 * write the ledger through it.
 * Responsibilities: `read` (the ledger, its commit as the version, and `distrusted` when the head's MAC failed: the
 * value is then the last good ledger, the version the distrusted head); `write` (on top of the expected commit,
 * signed; after a distrusted read it lands even when nothing else changed, and raises the alarm on the tracking issue
 * once); the session's `LedgerVersion` shape for the callers that cache one (github/repo-session.ts).
 * Not here: the MAC checks, the last-good fallback and the alarm's words (github/ledger.ts); the ledger's schema
 * (github/ledger-content.ts); what goes in it (github/reconcile-repo.ts, github/comment-commands.ts).
 * Invariants: a version is a ledger commit sha; `read` never returns content whose MAC failed or that did not fit
 * the schema; `write` lands only on exactly the expected commit (a fast-forward), or returns undefined.
 */
import type { Store, Stored } from "../ports/store.js";
import { emptyLedger, readLedger, writeLedger } from "./ledger.js";
import type { Ledger, LedgerDistrust, LedgerGuard, LedgerVersion } from "./ledger.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";

/** The ledger as read: `distrusted` when the head was not used (the next write goes over it, and says so once). */
export type StoredLedger = Stored<Ledger> & { distrusted?: LedgerDistrust };

export interface LedgerStore extends Store<Ledger> {
  read(): Promise<StoredLedger | undefined>;
  write(expected: StoredLedger | undefined, next: Ledger, summary?: string): Promise<StoredLedger | undefined>;
}

/** The ledger of `client`'s repository, checked with `guard`, over `mirror` when given (git), else over REST. */
export function createLedgerStore(client: RepoClient, guard: LedgerGuard, mirror?: RepoMirror): LedgerStore {
  return {
    read: async () => storedOf(await readLedger(client, guard, mirror)),
    write: async (expected, next, summary = "write") => {
      const written = await writeLedger(client, guard, versionOf(expected), next, summary, mirror);
      return written && storedOf(written);
    },
  };
}

/** What the store read, in the session's shape (no ledger yet: empty, no commit). */
export function versionOf(stored: StoredLedger | undefined): LedgerVersion {
  if (!stored) return { ledger: emptyLedger(), commit: undefined };
  return { ledger: stored.value, commit: stored.version, ...(stored.distrusted ? { distrusted: stored.distrusted } : {}) };
}

/** A session's version as the store's (undefined: nothing stored yet). */
export function storedOf(version: LedgerVersion): StoredLedger | undefined {
  if (version.commit === undefined) return undefined;
  return { value: version.ledger, version: version.commit, ...(version.distrusted ? { distrusted: version.distrusted } : {}) };
}

/** The ledger through its store, as a session keeps it (github/repo-session.ts `ledgerVersion`). */
export async function loadLedger(client: RepoClient, guard: LedgerGuard, mirror?: RepoMirror): Promise<LedgerVersion> {
  return versionOf(await createLedgerStore(client, guard, mirror).read());
}

/** Writes `ledger` on top of `base` through the store; undefined when the ledger moved since (read and decide again). */
export async function saveLedger(client: RepoClient, guard: LedgerGuard, base: LedgerVersion, ledger: Ledger, summary: string, mirror?: RepoMirror): Promise<LedgerVersion | undefined> {
  const written = await createLedgerStore(client, guard, mirror).write(storedOf(base), ledger, summary);
  return written && versionOf(written);
}
