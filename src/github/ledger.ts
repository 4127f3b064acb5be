/**
 * Run ledger: what the App knows of a repository's run, kept in the repository itself at `refs/weave/state` as a
 * commit holding `state.json`, and moved only by fast-forward — a compare-and-swap, so two handlers (or two App
 * processes) racing cannot both win. The ledger is the coordinator's alone: every commit weave writes carries a MAC
 * (core/ledger-mac.ts) keyed by a secret no worker job holds, and a ledger commit whose MAC does not hold is never used.
 * Responsibilities: read (cached by commit, per guard) with the MAC checked, falling back to the last good version (this process's, or
 * the newest commit of the ref's first-parent history whose MAC holds); write (commit on the sha read + non-forced
 * update, signed), after a distrusted read even when nothing else changed, with one alarm on the tracking issue —
 * over git (the App's mirror: no REST calls, no write throttling) or over the REST git-data API (any token).
 * Not here: the Store callers use (github/ledger-store.ts: every reader and writer of the ledger goes through it);
 * the ledger's shape and versioned schema (github/ledger-content.ts); deciding what goes in it
 * (github/reconcile-repo.ts); the MAC itself (core/ledger-mac.ts); where the key
 * comes from (github/weave-app.ts, actions-home/coordinate.ts).
 * Invariants: a write either lands on exactly the version it read or returns undefined; never force-moves the ref;
 * content whose MAC fails is never parsed, used or quoted (the alarm names commits, never their words); an unsigned
 * ledger is never used, whatever its history (see `readLedger`).
 */
import { WeaveError } from "../core/errors.js";
import type { LedgerKey, LedgerMacFailure } from "../core/ledger-mac.js";
import { deriveLedgerKey, hasLedgerMac, ledgerMacTrailer, verifyLedgerMac } from "../core/ledger-mac.js";
import { LEDGER_REF, LEDGER_VERSION, parseLedgerContent } from "./ledger-content.js";
import type { Ledger } from "./ledger-content.js";
import type { AppConfig } from "./app-config.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";

const LEDGER_FILE = "state.json";

export { LEDGER_MIGRATIONS, LEDGER_REF, LEDGER_VERSION, migrateLedger, parseLedgerContent } from "./ledger-content.js";
export type { Ledger, LedgerMigration, LedgerMilestone, LedgerNote, LedgerRun } from "./ledger-content.js";

/**
 * Why the ledger's head was not used: its MAC failed (`LedgerMacFailure`), or (App server) the ref was moved back
 * to a signed commit behind the one this process last knew good (`rewound`).
 */
export interface LedgerDistrust {
  /** The head commit found at `refs/weave/state`. */
  head: string;
  failure: LedgerMacFailure | "rewound";
  /** The commit whose content is used instead (undefined: none verifies; the ledger is taken as empty). */
  keptFrom: string | undefined;
  /** Some commit of the ref's history carries a MAC trailer (none: an older weave's ledger, or a fresh forgery). */
  anySigned: boolean;
}

export interface LedgerVersion {
  ledger: Ledger;
  /** The ledger commit this version was read from (undefined: no ledger yet): the next write goes on top of it. */
  commit: string | undefined;
  /**
   * Set when the head was not trusted: `ledger` is the last good state, and the next write (on top of the distrusted
   * head) is made even when nothing else changed — it says so once on the tracking issue.
   */
  distrusted?: LedgerDistrust;
}

/**
 * What the ledger of one repository is read and written with in one process: the MAC key, which secret it comes from
 * (for people), and the last version known good. A session holds one (github/repo-session.ts).
 */
export interface LedgerGuard {
  readonly key: LedgerKey;
  /** The secret the key is derived from, in words (the App's webhook secret, or WEAVE_LEDGER_KEY). */
  readonly keySource: string;
  /** The newest version whose MAC held, read or written here. */
  lastGood?: LedgerVersion;
  /** The last read's answer, by head commit. */
  cache?: LedgerVersion;
}

export function createLedgerGuard(key: LedgerKey, keySource: string): LedgerGuard {
  return { key, keySource };
}

/** A fresh guard for one session of a home: keyed by `ledgerSecret` (the Actions home) or the App's webhook secret. */
export function ledgerGuardFor(config: Pick<AppConfig, "webhookSecret" | "ledgerSecret">): LedgerGuard {
  const secret = config.ledgerSecret ?? config.webhookSecret;
  if (!secret) throw new WeaveError("usage", "there is no secret to key the run ledger's MAC with", { hint: "the App server needs WEBHOOK_SECRET; the coordinator workflow needs the repository secret WEAVE_LEDGER_KEY" });
  return createLedgerGuard(deriveLedgerKey(secret), config.ledgerSecret !== undefined ? "the repository secret `WEAVE_LEDGER_KEY`" : "the App's webhook secret");
}

export function emptyLedger(): Ledger {
  return { version: LEDGER_VERSION, milestones: {} };
}

const GIT_REF = `refs/${LEDGER_REF}`;
/** How far back a distrusted head's history is looked at, and how many signed commits in it are checked. */
const HISTORY_LIMIT = 1000;
const CANDIDATE_LIMIT = 50;

interface LedgerCommit {
  sha: string;
  parents: readonly string[];
  message: string;
}

/** Where ledger commits are read: the mirror (git) or the REST API. */
interface LedgerStore {
  /** First-parent history from `sha` (itself first), at most `limit` commits. */
  history(sha: string, limit: number): Promise<LedgerCommit[]>;
  text(sha: string): Promise<string | undefined>;
  /** Undefined over REST (the ancestry of an in-memory version is not asked there). */
  isAncestor?(commit: string, of: string): Promise<boolean>;
}

function storeOf(client: RepoClient, mirror: RepoMirror | undefined): LedgerStore {
  if (!mirror) {
    return {
      history: async (sha, limit) => (await client.recentCommits(sha, Math.min(limit, 100))).map((c) => ({ sha: c.sha, parents: c.parents, message: c.message })),
      text: async (sha) => (await client.readFile(LEDGER_FILE, sha))?.text,
    };
  }
  return {
    async history(sha, limit) {
      const out = await mirror.git.raw(["log", "--first-parent", `-n${limit}`, "--format=%H%x1f%P%x1f%B%x1e", "--end-of-options", sha]);
      return out.split("\x1e").map((entry) => entry.replace(/^\n/, "")).filter(Boolean).map((entry) => {
        const [hash = "", parents = "", message = ""] = entry.split("\x1f");
        return { sha: hash, parents: parents.split(" ").filter(Boolean), message };
      });
    },
    text: (sha) => mirror.readText(sha, LEDGER_FILE),
    isAncestor: (commit, of) => mirror.isAncestor(commit, of),
  };
}

/** The commit's ledger when its MAC holds (parsed: a signed ledger that cannot be read is an error), else why not. */
async function signedLedger(store: LedgerStore, guard: LedgerGuard, repositoryId: number, commit: LedgerCommit): Promise<{ ledger: Ledger } | { failure: LedgerMacFailure }> {
  if (!hasLedgerMac(commit.message)) return { failure: "missing" };
  const text = await store.text(commit.sha);
  if (text === undefined) return { failure: "malformed" };
  const verdict = verifyLedgerMac(guard.key, commit.message, { repositoryId, parents: commit.parents, state: text });
  return verdict.ok ? { ledger: parseLedgerContent(text) } : { failure: verdict.failure };
}

const copy = (version: LedgerVersion): LedgerVersion => structuredClone(version);

/**
 * Reads the ledger through the mirror when given one (git), else through the REST API, and checks its MAC.
 * A head whose MAC holds is the ledger. One whose MAC is missing or wrong is not used: the ledger is the last good
 * version — this process's own (the App server remembers it) when the ref's history was rewritten behind it, else
 * the newest commit of the head's first-parent history whose MAC holds, else empty — and `distrusted` says so; the
 * commit stays the head, so the next write lands on top of it. An unsigned ledger (an older weave's) is never used
 * either: a push of a fresh history with no MAC at all would otherwise pass for one.
 */
export async function readLedger(client: RepoClient, guard: LedgerGuard, mirror?: RepoMirror): Promise<LedgerVersion> {
  const head = mirror ? await mirror.fetchRef(GIT_REF) : await client.getRef(LEDGER_REF);
  if (!head) {
    // No ledger (never started, or reset by deleting the ref): nothing is known good any more.
    guard.lastGood = guard.cache = undefined;
    return { ledger: emptyLedger(), commit: undefined };
  }
  if (guard.cache?.commit === head) return copy(guard.cache);
  const store = storeOf(client, mirror);
  const repositoryId = await client.repositoryId();
  const [top] = await store.history(head, 1);
  if (!top) throw new WeaveError("internal", `the ledger commit ${head} could not be read`, { hint: "`/weave doctor` shows the run; never overwrite a ledger that could not be read" });
  const read = await signedLedger(store, guard, repositoryId, top);
  let version: LedgerVersion;
  const last = guard.lastGood;
  if ("ledger" in read && !(last?.commit && last.commit !== head && store.isAncestor && !(await store.isAncestor(last.commit, head)))) {
    version = { ledger: read.ledger, commit: head };
    guard.lastGood = copy(version);
  } else {
    const history = "ledger" in read ? [] : await store.history(head, HISTORY_LIMIT);
    let found: LedgerVersion | undefined;
    let checked = 0;
    for (const c of history.slice(1)) {
      if (!hasLedgerMac(c.message) || checked++ >= CANDIDATE_LIMIT) continue;
      const older = await signedLedger(store, guard, repositoryId, c);
      if ("ledger" in older) {
        found = { ledger: older.ledger, commit: c.sha };
        break;
      }
    }
    // This process's own last good version wins over the history's when that history does not lead through it
    // (the ref was rewritten or rewound); over REST, without ancestry, the history's is taken when there is one.
    const ownIsNewer = last?.commit !== undefined && (!found || (found.commit !== last.commit && store.isAncestor !== undefined && !(await store.isAncestor(last.commit, found.commit!))));
    const kept = ownIsNewer ? last : found;
    version = {
      ledger: kept ? structuredClone(kept.ledger) : emptyLedger(),
      commit: head,
      distrusted: { head, failure: "ledger" in read ? "rewound" : read.failure, keptFrom: kept?.commit, anySigned: "ledger" in read || history.some((c) => hasLedgerMac(c.message)) },
    };
    if (kept) guard.lastGood = copy(kept);
  }
  guard.cache = copy(version);
  return version;
}

/**
 * Writes `ledger` on top of `base`, signed; undefined when the ledger moved since (re-read and decide again). After
 * a distrusted read, the write that lands posts the alarm on the run's tracking issue (once: the next read finds
 * this signed commit at the head).
 */
export async function writeLedger(client: RepoClient, guard: LedgerGuard, base: LedgerVersion, ledger: Ledger, message: string, mirror?: RepoMirror): Promise<LedgerVersion | undefined> {
  const json = `${JSON.stringify(ledger, null, 2)}\n`;
  // What weave could not read back is never written (a bug, not a state to keep).
  const stored = parseLedgerContent(json);
  const parents = base.commit ? [base.commit] : [];
  const full = `weave: ${message}\n\n${ledgerMacTrailer(guard.key, { repositoryId: await client.repositoryId(), parents, state: json })}\n`;
  let moved: boolean;
  let commit: string;
  if (mirror) {
    // A plain push is the compare-and-swap: GitHub refuses it unless it fast-forwards the version we read.
    commit = await mirror.commitFiles(full, { [LEDGER_FILE]: json }, parents);
    moved = (await mirror.moveRef(commit, GIT_REF)) === "pushed";
  } else {
    commit = await client.createCommit(full, { [LEDGER_FILE]: json }, parents);
    moved = base.commit ? await client.updateRef(LEDGER_REF, commit) : await client.createRef(LEDGER_REF, commit);
  }
  if (!moved) {
    guard.cache = undefined;
    return undefined;
  }
  const version: LedgerVersion = { ledger: stored, commit };
  guard.cache = copy(version);
  guard.lastGood = copy(version);
  if (base.distrusted && stored.run) await client.createComment(stored.run.trackingIssue, renderLedgerAlarm(base.distrusted, commit, guard.keySource));
  return copy(version);
}

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 12) : "");

/** The tracking issue's word on a distrusted ledger: what was found, that it was ignored, what an admin checks. */
export function renderLedgerAlarm(d: LedgerDistrust, written: string, keySource: string): string {
  const found = {
    missing: "carries no `Weave-Ledger-MAC`",
    mismatch: "carries a `Weave-Ledger-MAC` that does not match its content",
    malformed: "carries a `Weave-Ledger-MAC` weave cannot read",
    parents: "is a merge commit (weave never writes one)",
    rewound: "is an older ledger commit of weave's own: the ref was moved back behind the one weave last wrote",
  }[d.failure];
  const kept = d.keptFrom
    ? `weave ignored it and carried on from its last good ledger (\`${short(d.keptFrom)}\`)`
    : d.anySigned
      ? `no commit in its history verifies with the current key, so weave ignored them all and started from an empty ledger`
      : `no commit in its history carries weave's MAC (a weave older than this one signed none), so weave ignored them all and started from an empty ledger`;
  return [
    "**weave: the run ledger was changed by someone other than weave, and weave did not use it.**",
    "",
    `\`refs/${LEDGER_REF}\` pointed at commit \`${short(d.head)}\`, which ${found}. ${kept}, rebuilt what it could from the repository itself (milestones merged on the target, branches, runs), and wrote its own ledger on top (\`${short(written)}\`, signed).`,
    "",
    "What a repository admin should check:",
    `- who moved \`refs/${LEDGER_REF}\`: a worker job's \`GITHUB_TOKEN\` can push to it, so a job's agent may be acting on someone else's instructions — look at the logs of the worker runs that were active then, and at the files their agents read;`,
    `- whether ${keySource} was changed: a new key makes every earlier ledger commit fail its MAC, which looks like this (expected after a rotation);`,
    "- the README's \"Security model\" says what the ledger's MAC protects and how to harden further.",
  ].join("\n");
}
