/**
 * Repository session: what the App keeps in memory per repository between events, as named caches (src/github/session/):
 * the plan, the ledger, heartbeats, dispatches, the event inbox, what was last published, branch rules, and the
 * repository's queues; beside them its client and its mirror.
 * Responsibilities: make a session whole (every cache made, the comment timer given what it calls).
 * Nothing here is needed for correctness after a restart (the ledger and GitHub hold the truth; a restarted App
 * re-reads them).
 * Not here: the ledger (github/ledger.ts); what each cache holds and promises (its own module's header).
 * Invariants: a session serialises its reconciles (one at a time per repository in this process); what only shows
 * state (check-run updates, status-comment edits) goes out in order on its own chain (session/repo-queues.ts).
 */
import type { LedgerGuard } from "./ledger.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";
import type { BranchRuleCache } from "./session/branch-rule-cache.js";
import { createBranchRuleCache } from "./session/branch-rule-cache.js";
import type { DispatchBook } from "./session/dispatch-book.js";
import { createDispatchBook } from "./session/dispatch-book.js";
import type { EventInbox } from "./session/event-inbox.js";
import { createEventInbox } from "./session/event-inbox.js";
import type { HeartbeatBook } from "./session/heartbeat-book.js";
import { createHeartbeatBook } from "./session/heartbeat-book.js";
import type { LedgerCache } from "./session/ledger-cache.js";
import { createLedgerCache } from "./session/ledger-cache.js";
import type { PlanCache } from "./session/plan-cache.js";
import { createPlanCache } from "./session/plan-cache.js";
import type { PublishState } from "./session/publish-state.js";
import { createPublishState } from "./session/publish-state.js";
import type { RepoQueues } from "./session/repo-queues.js";
import { createRepoQueues } from "./session/repo-queues.js";

export interface RepoSession {
  readonly fullName: string;
  readonly installationId: number;
  /** Where this repository's mirror lives (github/repo-mirror.ts). */
  readonly cacheDir: string;
  readonly plans: PlanCache;
  readonly ledgers: LedgerCache;
  readonly heartbeats: HeartbeatBook;
  readonly dispatchBook: DispatchBook;
  readonly inbox: EventInbox;
  readonly published: PublishState;
  readonly branchRules: BranchRuleCache;
  readonly queues: RepoQueues;
  client?: RepoClient;
  /** The bare clone merges are computed in (github/repo-mirror.ts). */
  mirror?: RepoMirror;
}

/**
 * A session with every cache empty. `editComment` is what a waiting status-comment edit calls when its time comes
 * (the App queues the edit; a one-shot coordinator, which flushes at its end, leaves it out).
 */
export function createSession(fullName: string, installationId: number, cacheDir: string, ledgerGuard: LedgerGuard, editComment: () => void = () => undefined): RepoSession {
  return {
    fullName, installationId, cacheDir,
    plans: createPlanCache(), ledgers: createLedgerCache(ledgerGuard), heartbeats: createHeartbeatBook(), dispatchBook: createDispatchBook(),
    inbox: createEventInbox(), published: createPublishState(editComment), branchRules: createBranchRuleCache(), queues: createRepoQueues(),
  };
}

/** Runs `task` on the session's publishing chain (session/repo-queues.ts `publishLater`). */
export function publishLater(session: RepoSession, task: () => Promise<void>): Promise<void> {
  return session.queues.publishLater(task);
}

/** Runs `task` on the session's reconcile queue (session/repo-queues.ts `serialise`). */
export function serialise(session: RepoSession, task: () => Promise<void>): Promise<void> {
  return session.queues.serialise(task);
}
