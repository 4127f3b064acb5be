/**
 * Repository session: what the App keeps in memory per repository between events — the latest heartbeat of each
 * milestone, dispatches not yet in the ledger, the plan cache, when a check run or the status comment last changed.
 * Responsibilities: cheap lookups that spare API calls; nothing here is needed for correctness after a restart
 * (the ledger and GitHub hold the truth; a restarted App re-reads them).
 * Not here: the ledger (github/ledger.ts); its guard (the MAC key, the last good version) lives here, one per session.
 * Invariants: a session serialises its reconciles (one at a time per repository in this process); what only shows
 * state (check-run updates, status-comment edits) goes out in order on its own chain, so a write waiting for the
 * write throttle never holds up the next reconcile (and the dispatch it may make).
 */
import type { Plan } from "../core/plan/plan.js";
import type { Ledger, LedgerGuard, LedgerVersion } from "./ledger.js";
import type { WorkerStatus } from "../ports/reporter.js";
import type { BranchRule, RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";

export interface RepoSession {
  fullName: string;
  /** Where this repository's mirror lives (github/repo-mirror.ts). */
  cacheDir: string;
  installationId: number;
  /** Latest heartbeat per milestone, with when it arrived. */
  /** The latest accepted heartbeat per milestone, with the ids of the `/weave tell` notes its job says it took. */
  heartbeats: Map<string, { status: WorkerStatus; at: number; runId: number; notesSeen?: readonly string[] }>;
  /** dispatch id → milestone, for jobs whose dispatch is not in the ledger yet. */
  dispatches: Map<string, { milestone: string; runId?: number }>;
  plan?: { sha: string; plan: Plan };
  checkRunUpdatedAt: Map<string, number>;
  lastComment?: string;
  commentEditedAt?: number;
  commentTimer?: NodeJS.Timeout;
  /** Edits the status comment with the latest ledger (set by the App). */
  flushComment?: () => void;
  /** Lookups made for runs: per dispatch id (how many, for the backoff), and `run:<id>` for heartbeats' runs checked. */
  runLookups: Map<string, number>;
  /** GitHub was asked about every active run at least once in this process (after a restart it is asked at once). */
  runsAsked?: boolean;
  /** Runs GitHub reported complete, to tell a job that died from one that reported. */
  completedRuns: Map<number, string>;
  client?: RepoClient;
  /** The ledger as last read or written here (heartbeat replies use it). */
  ledger?: Ledger;
  /** The version a reconcile may start from without reading (a lost CAS drops it and reads afresh). */
  ledgerVersion?: LedgerVersion;
  /** What the ledger is read and written with: the MAC key and the last version known good (github/ledger.ts). */
  ledgerGuard: LedgerGuard;
  /** Last status/conclusion sent to each milestone's check run (unchanged ones are not sent again). */
  checkRunShown: Map<string, string>;
  /** The bare clone merges are computed in (github/repo-mirror.ts). */
  mirror?: RepoMirror;
  /** Targets GitHub says have a merge queue that their rulesets do not show (classic branch protection). */
  queueTargets?: Set<string>;
  /** Branch rules of targets, with when they were read. */
  rules?: Map<string, { at: number; rules: BranchRule[] }>;
  /**
   * Commit messages pushed to each branch since the last reconcile, from the push webhooks (so a reconcile need not
   * list the target's commits): `messages` of every pushed commit, `heads` of each push's head commit (the only ones
   * a payload shows to be on the first-parent chain); `complete: false` when a payload may have been cut short.
   */
  pushed: Map<string, { messages: string[]; heads: string[]; complete: boolean }>;
  /** The target's history was listed at least once in this process (until then, pushes alone are not enough). */
  targetListed?: boolean;
  /** PRs GitHub reported closed since the last reconcile: number → merged. */
  closedPulls: Map<number, boolean>;
  queue: Promise<void>;
  /** Check-run updates and status-comment edits, one after another, beside the reconciles (see publishLater). */
  publishing: Promise<void>;
  dirty: boolean;
}

export function createSession(fullName: string, installationId: number, cacheDir: string, ledgerGuard: LedgerGuard): RepoSession {
  return {
    fullName, installationId, cacheDir, ledgerGuard, heartbeats: new Map(), dispatches: new Map(), checkRunUpdatedAt: new Map(), completedRuns: new Map(), checkRunShown: new Map(), closedPulls: new Map(), pushed: new Map(), runLookups: new Map(),
    queue: Promise.resolve(), publishing: Promise.resolve(), dirty: false,
  };
}

/**
 * Runs `task` after every publishing task queued before it, beside the reconcile queue: for writes that only show
 * state, which wait on the write throttle and must not hold up a reconcile. A failure does not block the next one.
 */
export function publishLater(session: RepoSession, task: () => Promise<void>): Promise<void> {
  const next = session.publishing.then(task, task);
  session.publishing = next.catch(() => undefined);
  return next;
}

/** Runs `task` after every task queued before it on this session; a failure does not block the next one. */
export function serialise(session: RepoSession, task: () => Promise<void>): Promise<void> {
  const next = session.queue.then(task, task);
  session.queue = next.catch(() => undefined);
  return next;
}
