/**
 * The coordinator's event: what the Actions event that started this coordinator run asks of it, read from the
 * payload GitHub writes to `GITHUB_EVENT_PATH` (lenient zod: only the fields weave uses).
 * Responsibilities: map an event name and payload to one request — a comment to handle as a command, a check-run
 * button, an approving review, or a plain reconcile (push, workflow_dispatch — with a worker's report when it carries
 * one —, schedule, anything else); a review of a fork's pull request is ignored (no pass).
 * Not here: acting on it (actions-home/coordinate.ts); who may ask (checked there against GitHub, not the payload).
 * Invariants: pure; a payload that does not parse is a plain reconcile (the world, not the event, is the truth).
 */
import { z } from "zod";
import type { CommentEvent } from "../github/comment-commands.js";
import type { ReconcileTrigger } from "../github/reconcile-repo.js";

export type CoordinatorRequest =
  | { kind: "comment"; comment: CommentEvent }
  | { kind: "button"; milestone: string; identifier: string; login: string }
  | { kind: "review"; pull: number; login: string; approved: boolean }
  /** Nothing for weave, and no pass at all: a review of a fork's PR (GitHub gives that run no secrets, a read-only token). */
  | { kind: "ignore"; why: string }
  | { kind: "reconcile"; trigger: ReconcileTrigger; report?: { text: string; sender: string } };

const Comment = z.object({
  action: z.string(),
  issue: z.object({ number: z.number().int() }),
  comment: z.object({ id: z.number().int(), body: z.string().nullish(), user: z.object({ login: z.string(), type: z.string().optional() }).nullish() }),
});
const Button = z.object({
  action: z.literal("requested_action"),
  check_run: z.object({ external_id: z.string().nullish() }),
  requested_action: z.object({ identifier: z.string() }),
  sender: z.object({ login: z.string() }),
});
const Dispatch = z.object({
  inputs: z.object({ report: z.string().optional() }).nullish(),
  sender: z.object({ login: z.string() }),
});
const Review = z.object({
  action: z.string(),
  review: z.object({ state: z.string(), user: z.object({ login: z.string() }).nullish() }),
  pull_request: z.object({ number: z.number().int(), head: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullish() }) }),
  repository: z.object({ full_name: z.string() }).optional(),
});

export function readCoordinatorRequest(eventName: string, payload: unknown): CoordinatorRequest {
  if (eventName === "issue_comment") {
    const p = Comment.safeParse(payload);
    if (p.success && p.data.action === "created") {
      const c = p.data.comment;
      return { kind: "comment", comment: { issueNumber: p.data.issue.number, commentId: c.id, body: c.body ?? "", login: c.user?.login ?? "", isBot: c.user?.type === "Bot" } };
    }
    return { kind: "reconcile", trigger: "event" };
  }
  if (eventName === "check_run") {
    const p = Button.safeParse(payload);
    if (p.success && p.data.check_run.external_id) return { kind: "button", milestone: p.data.check_run.external_id, identifier: p.data.requested_action.identifier, login: p.data.sender.login };
    // Another check (CI) completed: a milestone waiting for required checks may merge now.
    return { kind: "reconcile", trigger: "checks" };
  }
  if (eventName === "pull_request_review") {
    const p = Review.safeParse(payload);
    // A fork's PR (its head in another repository; GitHub says null once the fork is deleted): never weave's, whose
    // PRs come from this repository's branches. Its run has no WEAVE_LEDGER_KEY to read the ledger with, so none is tried.
    const head = p.success ? p.data.pull_request.head.repo : undefined;
    if (p.success && p.data.repository && head !== undefined && head?.full_name.toLowerCase() !== p.data.repository.full_name.toLowerCase()) {
      return { kind: "ignore", why: `a review of #${p.data.pull_request.number}, a pull request from ${head ? `the fork ${head.full_name}` : "a deleted fork"}: weave's pull requests come from this repository's branches` };
    }
    if (p.success && p.data.action === "submitted" && p.data.pull_request.head.ref.startsWith("weave/")) {
      return { kind: "review", pull: p.data.pull_request.number, login: p.data.review.user?.login ?? "", approved: p.data.review.state.toLowerCase() === "approved" };
    }
    return { kind: "reconcile", trigger: "checks" };
  }
  if (eventName === "push") return { kind: "reconcile", trigger: "push" };
  if (eventName === "workflow_dispatch") {
    // A worker's closing dispatch carries its final report (actions-home/coordinate-report.ts weighs it).
    const p = Dispatch.safeParse(payload);
    const text = p.success ? p.data.inputs?.report : undefined;
    return p.success && text ? { kind: "reconcile", trigger: "event", report: { text, sender: p.data.sender.login } } : { kind: "reconcile", trigger: "event" };
  }
  // schedule (the liveness tick), anything else: look at everything, as the App's tick does.
  return { kind: "reconcile", trigger: "tick" };
}
