/**
 * Comment events (`issue_comment.created`): a comment may carry `/weave` commands.
 * Responsibilities: record nothing of its own — hand the comment to the command handler in the repository's queue,
 * with a reconcile, a forced status-comment refresh and the doctor at hand; answer the delivery at once.
 * Not here: what the commands mean (github/comment-commands.ts, core/control.ts).
 * Invariants: a delivery seen before is not handled again (a command answers once); the work runs in the queue, so
 * GitHub's 10 s wait for an answer is never spent on it.
 */
import type { Context } from "probot";
import { handleComment } from "../comment-commands.js";
import { diagnoseRepo } from "../github-doctor.js";
import { loadLedger } from "../ledger-store.js";
import { loadPlan } from "../plan-source.js";
import { refreshStatusComment } from "../run-publish.js";
import { mirrorFor } from "../repo-mirror.js";
import { serialise } from "../repo-session.js";
import type { AppRuntime } from "./app-runtime.js";

export function onComment(rt: AppRuntime): (context: Context<"issue_comment.created">) => Promise<void> {
  return async (context) => {
    if (!rt.deliveries.firstTime(context.id)) return;
    const session = rt.sessionOf(context.payload, context.octokit);
    if (!session) return;
    const { comment, issue } = context.payload;
    const event = { issueNumber: issue.number, commentId: comment.id, body: comment.body, login: comment.user?.login ?? "", isBot: comment.user?.type === "Bot" };
    // Answer the delivery at once (GitHub waits at most 10 s); the work runs in the repository's queue.
    void serialise(session, async () => {
      const client = await rt.clientFor(session);
      await handleComment(session, client, event, {
        now: rt.now,
        reconcile: () => rt.reconcileNow(session, client),
        refreshComment: async () => {
          const ledger = (await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client))).ledger;
          if (ledger.run) await refreshStatusComment(session, client, await loadPlan(session, client), ledger, rt.now(), true);
          else await client.createComment(issue.number, "No weave run yet: say `/weave start` to begin one.");
        },
        doctor: (fix) => diagnoseRepo(session, client, fix),
      });
    }).catch((e: unknown) => rt.report(`${session.fullName}: command`, e));
  };
}
