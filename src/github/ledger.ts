/**
 * Run ledger: what the App knows of a repository's run, kept in the repository itself at `refs/weave/state` as a
 * commit holding `state.json`, and moved only by fast-forward — a compare-and-swap, so two handlers (or two App
 * processes) racing cannot both win.
 * Responsibilities: the ledger's shape, read (cached by commit), write (commit on the sha read + non-forced update) —
 * over git (the App's mirror: no REST calls, no write throttling) or over the REST git-data API (any token).
 * Not here: deciding what goes in it (github/reconcile-repo.ts).
 * Invariants: a write either lands on exactly the version it read or fails with `stale`; never force-moves the ref.
 */
import { WeaveError } from "../core/errors.js";
import type { MilestoneState } from "../core/lifecycle.js";
import type { VerifyStatus } from "../ports/reporter.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";

export const LEDGER_REF = "weave/state";
const LEDGER_FILE = "state.json";

export interface LedgerMilestone {
  state: MilestoneState;
  attempts: number;
  requeues: number;
  tasks: number;
  tasksDone: number;
  /** Known spend (USD). */
  costUsd: number;
  /** Some of its spend could not be read (shown as unknown; the budget counts `costUsd`). */
  costUnknown?: boolean;
  dispatchId?: string;
  runId?: number;
  checkRunId?: number;
  /** Commit weave/<ID> was at when its job was dispatched. */
  sha?: string;
  headSha?: string;
  startedAt?: string;
  finishedAt?: string;
  lastHeartbeat?: string;
  signal?: "pause" | "stop";
  reason?: string;
  verify?: VerifyStatus;
  mergeRequested?: boolean;
  forceMerge?: boolean;
  mergeBlocked?: boolean;
  conflictFiles?: string[];
  pr?: number;
  /** The branch head the PR's body describes (a new head gets the body rewritten). */
  prHead?: string;
  /** Handed to GitHub: native auto-merge, or the target's merge queue (state `merging`). */
  autoMerge?: "auto-merge" | "queue";
  /** Blocked until these report (cleared by a completed check run or a review on the PR). */
  waitingFor?: "checks";
  /** Resolve jobs (`merge.resolve: agent`) dispatched for the current conflict. */
  resolveAttempts?: number;
  /** The job in flight is a resolve job: its failure leaves the milestone in `conflict`, not `failed`. */
  resolving?: boolean;
  /** `/weave tell` notes its worker has not taken yet (oldest first); a note leaves once a heartbeat says it was taken. */
  notes?: LedgerNote[];
}

export interface LedgerNote {
  /** Unique within the run: what a worker acknowledges, and what keeps a note from being given twice. */
  id: string;
  text: string;
  by: string;
  at: string;
}

export interface LedgerRun {
  id: string;
  trackingIssue: number;
  commentId?: number;
  startedBy: string;
  startedAt: string;
  target: string;
  budgetStopped: boolean;
  /** The repository's id when the first milestone was claimed: worker tokens must carry it (github/job-claims.ts). */
  repositoryId?: number;
}

export interface Ledger {
  version: 1;
  run?: LedgerRun;
  milestones: Record<string, LedgerMilestone>;
}

export interface LedgerVersion {
  ledger: Ledger;
  /** The ledger commit this version was read from (undefined: no ledger yet). */
  commit: string | undefined;
}

export function emptyLedger(): Ledger {
  return { version: 1, milestones: {} };
}

const cache = new Map<string, { commit: string; json: string }>();

const GIT_REF = `refs/${LEDGER_REF}`;

/** Reads the ledger through the mirror when given one (git), else through the REST API. */
export async function readLedger(client: RepoClient, mirror?: RepoMirror): Promise<LedgerVersion> {
  if (mirror) {
    const commit = await mirror.fetchRef(GIT_REF);
    if (!commit) return { ledger: emptyLedger(), commit: undefined };
    const cached = cache.get(client.fullName);
    if (cached?.commit === commit) return { ledger: JSON.parse(cached.json) as Ledger, commit };
    const json = await mirror.readText(commit, LEDGER_FILE);
    if (json === undefined) throw new WeaveError("internal", `the ledger commit ${commit} has no ${LEDGER_FILE}`, { hint: "`/weave doctor` shows the run; never overwrite a ledger that could not be read" });
    cache.set(client.fullName, { commit, json });
    return { ledger: JSON.parse(json) as Ledger, commit };
  }
  const commit = await client.getRef(LEDGER_REF);
  if (!commit) return { ledger: emptyLedger(), commit: undefined };
  const cached = cache.get(client.fullName);
  if (cached?.commit === commit) return { ledger: JSON.parse(cached.json) as Ledger, commit };
  const file = await client.readFile(LEDGER_FILE, commit);
  const json = file?.text ?? JSON.stringify(emptyLedger());
  cache.set(client.fullName, { commit, json });
  return { ledger: JSON.parse(json) as Ledger, commit };
}

/** Writes `ledger` on top of `base`; false when the ledger moved since (re-read and decide again). */
export async function writeLedger(client: RepoClient, base: LedgerVersion, ledger: Ledger, message: string, mirror?: RepoMirror): Promise<LedgerVersion | undefined> {
  const json = `${JSON.stringify(ledger, null, 2)}\n`;
  const parents = base.commit ? [base.commit] : [];
  let moved: boolean;
  let commit: string;
  if (mirror) {
    // A plain push is the compare-and-swap: GitHub refuses it unless it fast-forwards the version we read.
    commit = await mirror.commitFiles(`weave: ${message}`, { [LEDGER_FILE]: json }, parents);
    moved = (await mirror.moveRef(commit, GIT_REF)) === "pushed";
  } else {
    commit = await client.createCommit(`weave: ${message}`, { [LEDGER_FILE]: json }, parents);
    moved = base.commit ? await client.updateRef(LEDGER_REF, commit) : await client.createRef(LEDGER_REF, commit);
  }
  if (!moved) {
    cache.delete(client.fullName);
    return undefined;
  }
  cache.set(client.fullName, { commit, json });
  return { ledger: JSON.parse(json) as Ledger, commit };
}
