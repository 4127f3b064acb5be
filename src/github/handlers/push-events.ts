/**
 * Push events: a branch moved.
 * Responsibilities: record what the push tells — the plan may have changed (a push to the default branch that touched
 * it, or whose payload may be cut short, drops the plan cache); the pushed commits' messages per branch, for the
 * reconcile to find what landed without listing the branch — then reconcile.
 * Not here: what counts as landed (core/merged-evidence.ts, github/reconcile-repo.ts).
 * Invariants: weave's own branches (`weave/*`) and tags are not recorded and wake nothing; a delivery seen before is
 * not recorded twice.
 */
import type { Context } from "probot";
import { PLAN_PATH } from "../../core/plan/plan-path.js";
import type { AppRuntime } from "./app-runtime.js";

/** A push payload lists at most this many commits; one that lists as many may have been cut short. */
export const PUSH_PAYLOAD_COMMITS = 20;

export function onPush(rt: AppRuntime): (context: Context<"push">) => Promise<void> {
  return async (context) => {
    if (!rt.deliveries.firstTime(context.id)) return;
    const session = rt.sessionOf(context.payload, context.octokit);
    if (!session) return;
    const { ref, repository, commits } = context.payload;
    // The plan is read again only when a push to the default branch may have touched it.
    const touched = (c: (typeof commits)[number]): boolean => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(PLAN_PATH);
    if (ref === `refs/heads/${repository.default_branch}` && (commits.length === 0 || commits.length >= PUSH_PAYLOAD_COMMITS || commits.some(touched))) session.plans.current = undefined;
    if (!ref.startsWith("refs/heads/") || ref.startsWith("refs/heads/weave/")) return;
    // What landed is in the payload: the reconcile reads it here instead of listing the branch's commits.
    const branch = ref.slice("refs/heads/".length);
    const seen = session.inbox.pushed.get(branch) ?? { messages: [], heads: [], complete: true };
    seen.messages.push(...commits.map((c) => c.message));
    // A payload of many commits may hold a merged branch's own commits, off the first-parent chain (which the
    // payload does not show): only the push's head commit is known to be on it.
    const head = context.payload.head_commit?.message;
    if (head !== undefined) seen.heads.push(head);
    seen.complete &&= commits.length < PUSH_PAYLOAD_COMMITS;
    session.inbox.pushed.set(branch, seen);
    void rt.reconcile(session, "push");
  };
}
