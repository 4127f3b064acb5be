/**
 * Pull request and review events on weave's PRs (head `weave/*`): `pull_request.closed`,
 * `pull_request_review.submitted`.
 * Responsibilities: record a closed PR (merged or not) for the reconcile; with `merge.auto: confirm`, an approving
 * review from someone who may merge is the confirmation (written to the ledger); then reconcile.
 * Not here: what a confirmation does (github/person-requests.ts, core/control.ts); landing (github/pull-merge.ts).
 * Invariants: PRs of other branches are ignored; only write, maintain or admin reviewers confirm; a review delivery
 * seen before is not handled again.
 */
import type { Context } from "probot";
import { maySteer } from "../../core/command-permission.js";
import { updateLedger } from "../comment-commands.js";
import { applyApproval } from "../person-requests.js";
import { loadPlan } from "../plan-source.js";
import { serialise } from "../repo-session.js";
import type { AppRuntime } from "./app-runtime.js";

export function onPullClosed(rt: AppRuntime): (context: Context<"pull_request.closed">) => Promise<void> {
  return async (context) => {
    const session = rt.sessionOf(context.payload, context.octokit);
    const pull = context.payload.pull_request;
    if (!session || !pull.head.ref.startsWith("weave/")) return;
    session.inbox.closedPulls.set(pull.number, pull.merged === true);
    void rt.reconcile(session);
  };
}

export function onReview(rt: AppRuntime): (context: Context<"pull_request_review.submitted">) => Promise<void> {
  return async (context) => {
    if (!rt.deliveries.firstTime(context.id)) return;
    const session = rt.sessionOf(context.payload, context.octokit);
    const { review, pull_request: pull } = context.payload;
    if (!session || !pull.head.ref.startsWith("weave/")) return;
    const reviewer = review.user?.login ?? "";
    void serialise(session, async () => {
      const client = await rt.clientFor(session);
      const plan = await loadPlan(session, client);
      // `merge.auto: confirm`: an approving review from someone who may merge is the confirmation.
      if (review.state.toLowerCase() === "approved" && plan.merge.auto === "confirm" && maySteer(await client.permission(reviewer))) {
        await updateLedger(client, session, (ledger) => applyApproval(ledger, pull.number));
      }
      await rt.reconcileNow(session, client, "checks");
    }).catch((e: unknown) => rt.report(`${session.fullName}: review`, e));
  };
}
