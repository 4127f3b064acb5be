/**
 * Landing attempt: what one try at landing a milestone works with and the steps every way of landing shares.
 * Responsibilities: the merge context and analysis types, the merged tree (conflicts in weave's own paths from the milestone's
 * side), what follows a landing (state, flags cleared, branch deleted unless `keep_branches` — or left in the
 * context's `deferredDeletes` for the caller to delete once dependents are dispatched), blocking a landing with a
 * reason, and telling the PR and the tracking issue.
 * Not here: the analysis and direct pushes (github/merge-back.ts), the pull request's life (github/pull-merge.ts).
 * Invariants: imports neither merge-back.ts nor pull-merge.ts, so the two ways of landing never import each other.
 */
import type { Milestone, Plan } from "../core/plan/plan.js";
import { isWeaveOwnedPath } from "../core/weave-owned-paths.js";
import type { MergeTreeResult } from "../git/repo-plumbing.js";
import type { AppConfig } from "./app-config.js";
import type { Ledger, LedgerMilestone } from "./ledger.js";
import { moveRecord } from "./mutate-record.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoMirror } from "./repo-mirror.js";
import { mirrorFor } from "./repo-mirror.js";
import type { RepoSession } from "./repo-session.js";

export interface MergeContext {
  client: RepoClient;
  session: RepoSession;
  plan: Plan;
  ledger: Ledger;
  config: AppConfig;
  now: Date;
  log: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** When set, landed branches are added here instead of deleted at once (a push on the way to dependents' dispatch). */
  deferredDeletes?: Set<string>;
}

/** What one landing attempt found: done (landed, blocked, conflict, waiting) or the world moved under it. */
export type Attempt = "done" | "retry";

export interface Analysis {
  mirror: RepoMirror;
  milestone: Milestone;
  record: LedgerMilestone;
  target: string;
  branch: string;
  base: string;
  head: string;
  merged: MergeTreeResult;
  scopeWarnings: string[];
}

/** The merge's tree, with conflicts in weave's own paths taken from the milestone's side (the verdict let no other through). */
export async function mergedTree(a: Analysis): Promise<string> {
  return a.merged.clean ? a.merged.tree : a.mirror.git.overlayPaths(a.merged.tree, a.head, a.merged.conflicts.filter(isWeaveOwnedPath));
}

/** After a landing: merged, flags cleared, the branch deleted (now or by the caller) unless the plan keeps branches. */
export async function landed(ctx: MergeContext, a: Pick<Analysis, "record" | "milestone" | "branch"> & { mirror?: RepoMirror }, note: string | undefined): Promise<void> {
  const r = a.record;
  moveRecord(a.milestone.id, r, "merged", note);
  if (!note) r.reason = undefined;
  r.conflictFiles = undefined;
  r.mergeRequested = false;
  r.mergeBlocked = false;
  r.forceMerge = false;
  r.waitingFor = undefined;
  r.resolveAttempts = undefined;
  if (ctx.plan.merge.keep_branches) return;
  if (ctx.deferredDeletes) return void ctx.deferredDeletes.add(a.branch);
  await deleteLandedBranch(ctx, a.mirror ?? (await mirrorFor(ctx.session, ctx.client)), a.branch);
}

/** Deletes a landed milestone's branch; a failure is logged, never thrown (the landing stands). */
export async function deleteLandedBranch(ctx: Pick<MergeContext, "client" | "log">, mirror: RepoMirror, branch: string): Promise<void> {
  try {
    await mirror.deleteBranch(branch);
  } catch (e) {
    ctx.log(`${ctx.client.fullName}: could not delete ${branch}: ${(e as Error).message}`);
  }
}

export function block(r: LedgerMilestone, reason: string): void {
  r.mergeBlocked = true;
  r.mergeRequested = false;
  r.waitingFor = undefined;
  r.reason = reason;
}

/** A comment on the milestone's PR (when it has one) and on the run's tracking issue. */
export async function tell(ctx: MergeContext, a: Analysis, body: string): Promise<void> {
  if (a.record.pr) await ctx.client.createComment(a.record.pr, body);
  await ctx.client.createComment(ctx.ledger.run!.trackingIssue, a.record.pr ? `${body}\n\n<sub>Also on #${a.record.pr}.</sub>` : body);
}
