/**
 * Ledger MAC: the proof that a commit of the run ledger (`refs/weave/state`) was written by weave's coordinator and
 * by no one else — an HMAC-SHA256, in a `Weave-Ledger-MAC: v1 <hex>` trailer of the ledger commit's message, keyed by
 * a secret no worker job holds.
 * Responsibilities: deriving the MAC key from the home's secret (HKDF-SHA256, label `weave ledger v1`); the canonical
 * input (MAC version, repository id, parent commit or `root`, SHA-256 of the exact `state.json` bytes); computing the
 * trailer; verifying a commit's message against it, with why it fails.
 * Not here: where the secret comes from (github/app-config.ts, actions-home/coordinate.ts), reading and writing the
 * ledger, what weave does with a ledger that fails (github/ledger.ts).
 * Invariants: pure (no I/O, no clock); the same key, repository, parent and bytes give the same MAC and nothing else
 * does; a commit with more than one parent or more than one MAC trailer never verifies; comparison is constant-time.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export const LEDGER_MAC_TRAILER = "Weave-Ledger-MAC";
/** The HKDF label (`info`): a key derived for anything else never keys a ledger MAC. */
export const LEDGER_KEY_LABEL = "weave ledger v1";
const VERSION = "v1";

/** The shortest secret weave keys a ledger with (WEAVE_LEDGER_KEY: `openssl rand -hex 32` is plenty). */
export const LEDGER_SECRET_MIN_LENGTH = 16;

/** A derived MAC key (32 bytes); never logged, never posted. */
export interface LedgerKey {
  readonly bytes: Buffer;
}

/** The ledger MAC key derived from a home's secret (the App's webhook secret, or WEAVE_LEDGER_KEY). */
export function deriveLedgerKey(secret: string): LedgerKey {
  return { bytes: Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), LEDGER_KEY_LABEL, 32)) };
}

/** What one ledger commit's MAC binds. */
export interface LedgerMacInput {
  /** GitHub's id of the repository (stable across renames): a ledger copied from another repository never verifies. */
  repositoryId: number;
  /** The commit's parents (a ledger commit has none, the first, or one). */
  parents: readonly string[];
  /** The exact text of `state.json` in the commit. */
  state: string;
}

/** The canonical bytes the MAC is computed over (one field a line; the state by its SHA-256). */
export function ledgerMacInput(input: LedgerMacInput): string {
  const state = createHash("sha256").update(input.state, "utf8").digest("hex");
  return [`weave-ledger-mac ${VERSION}`, `repository ${input.repositoryId}`, `parent ${input.parents[0] ?? "root"}`, `state-sha256 ${state}`, ""].join("\n");
}

export function computeLedgerMac(key: LedgerKey, input: LedgerMacInput): string {
  return createHmac("sha256", key.bytes).update(ledgerMacInput(input), "utf8").digest("hex");
}

/** The trailer line a ledger commit carries. */
export function ledgerMacTrailer(key: LedgerKey, input: LedgerMacInput): string {
  return `${LEDGER_MAC_TRAILER}: ${VERSION} ${computeLedgerMac(key, input)}`;
}

/**
 * Why a commit's MAC does not hold: `missing` (no trailer at all), `mismatch` (a well-formed v1 MAC of other content,
 * parent, repository or key), `malformed` (a trailer weave does not read: unknown version, bad hex, several of them),
 * `parents` (a merge commit: weave never writes one).
 */
export type LedgerMacFailure = "missing" | "mismatch" | "malformed" | "parents";
export type LedgerMacVerdict = { ok: true } | { ok: false; failure: LedgerMacFailure };

const TRAILER_LINE = new RegExp(`^${LEDGER_MAC_TRAILER}:(.*)$`, "gm");

/** Whether `message` carries a ledger MAC trailer at all (well-formed or not). */
export function hasLedgerMac(message: string): boolean {
  return new RegExp(`^${LEDGER_MAC_TRAILER}:`, "m").test(message);
}

export function verifyLedgerMac(key: LedgerKey, message: string, input: LedgerMacInput): LedgerMacVerdict {
  const lines = [...message.matchAll(TRAILER_LINE)];
  if (lines.length === 0) return { ok: false, failure: "missing" };
  const value = /^ *v1 ([0-9a-f]{64}) *$/.exec(lines[0]![1]!);
  if (lines.length > 1 || !value) return { ok: false, failure: "malformed" };
  if (input.parents.length > 1) return { ok: false, failure: "parents" };
  const expected = Buffer.from(computeLedgerMac(key, input), "hex");
  return timingSafeEqual(expected, Buffer.from(value[1]!, "hex")) ? { ok: true } : { ok: false, failure: "mismatch" };
}
