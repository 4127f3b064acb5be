/**
 * Showing a run on GitHub after a reconcile: the check runs of the milestones that changed, and the sticky status
 * comment, edited at most once per COMMENT_INTERVAL_MS while the run goes on.
 * Responsibilities: send only what changed (the session's publish state remembers what each check run and the comment
 * last showed); space comment edits, with one edit at the end of a burst and at once when the run settles or a person asks.
 * Not here: what a check run or the comment says (github/check-runs.ts, github/status-comment.ts); the order these
 * writes go out in (`publishLater`, github/repo-session.ts); the outbound filter (github/repo-client.ts).
 * Invariants: an "in progress" check run is never sent from here (the worker's heartbeats show progress); an
 * unchanged text is never sent again; nothing here reads or writes the ledger.
 */
import { SETTLED_STATES } from "../core/lifecycle.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { checkRunUpdate } from "./check-runs.js";
import type { Ledger, LedgerMilestone } from "./ledger.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoSession } from "./repo-session.js";
import { renderStatusComment } from "./status-comment.js";

/** Check runs of milestones that changed, and the sticky status comment when its text changed. */
export async function publishRun(session: RepoSession, client: RepoClient, plan: Plan, ledger: Ledger, changed: ReadonlySet<string>, now: Date): Promise<void> {
  for (const id of changed) {
    const r: LedgerMilestone | undefined = ledger.milestones[id];
    const m = findMilestone(plan, id);
    if (!r?.checkRunId || !m) continue;
    const update = checkRunUpdate(m, r, now);
    const shown = `${String(update.status)}/${String(update.conclusion ?? "")}`;
    // Unchanged, or just "in progress" (the heartbeats' own updates show that): nothing to send.
    if (session.published.checkRuns.get(id) === shown || update.status === "in_progress") continue;
    await client.updateCheckRun(r.checkRunId, update);
    session.published.checkRuns.set(id, shown);
    session.published.checkRunUpdatedAt.set(id, now.getTime());
  }
  await refreshStatusComment(session, client, plan, ledger, now);
}

/** Edits of the status comment are spaced this far apart (a burst of changes becomes one edit), except the last. */
export const COMMENT_INTERVAL_MS = 15_000;

export async function refreshStatusComment(session: RepoSession, client: RepoClient, plan: Plan, ledger: Ledger, now: Date, force = false): Promise<void> {
  if (!ledger.run?.commentId) return;
  const body = renderStatusComment(plan, ledger, now);
  // Unchanged but for the clock (the "Updated …" stamp, heartbeat ages): not worth an edit.
  const stable = body.replace(/Updated [^<]*<\/sub>/, "").replace(/\| [^|]* ago \|/g, "|");
  if (!force && stable === session.published.comment) return;
  const settled = Object.values(ledger.milestones).every((r) => SETTLED_STATES.has(r.state));
  const wait = (session.published.commentEditedAt ?? 0) + COMMENT_INTERVAL_MS - now.getTime();
  if (!force && !settled && wait > 0) {
    // Too soon after the last edit: edit once the interval is over, with whatever is true then.
    session.published.editCommentIn(wait);
    return;
  }
  await client.updateComment(ledger.run.commentId, body);
  session.published.comment = stable;
  session.published.commentEditedAt = now.getTime();
}

