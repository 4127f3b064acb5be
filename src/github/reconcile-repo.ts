/**
 * Reconcile one repository: observe (ledger, target commits, heartbeats, finished runs) → decide (the same pure
 * decide() the local coordinator uses) → act (claim, check run, dispatch, cancel) → write the ledger by CAS.
 * Responsibilities: every webhook, heartbeat and tick of a repository ends here; duplicates and reorderings are
 * harmless because each pass recomputes from what is true now.
 * Not here: comment commands (github/comment-commands.ts), starting a milestone's job (github/dispatch.ts),
 * landing a milestone (github/merge-back.ts, github/pull-merge.ts).
 * Invariants: a lost CAS re-reads and decides again (bounded); dispatches are never retried blindly; a landed branch
 * is deleted after the pass's starts and before its ledger write (a dispatch never waits on the deletion's push).
 */
import { ACTIVE_STATES, SETTLED_STATES } from "../core/lifecycle.js";
import { firstParentChain, landedIds } from "../core/merged-evidence.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { rankMilestones } from "../core/plan/plan-schedule.js";
import { decide } from "../reconcile/decide.js";
import type { MilestoneView } from "../reconcile/decide.js";
import type { AppConfig } from "./app-config.js";
import { checkRunUpdate } from "./check-runs.js";
import { startMilestone } from "./dispatch.js";
import type { Ledger, LedgerMilestone } from "./ledger.js";
import { readLedger, writeLedger } from "./ledger.js";
import { deleteLandedBranch } from "./landing-attempt.js";
import { analyse, landed, landMilestone } from "./merge-back.js";
import type { MergeContext } from "./merge-back.js";
import { isBudgetReached } from "./budget-reach.js";
import { moveRecord } from "./mutate-record.js";
import { followPulls, openFinishedPulls } from "./pull-merge.js";
import { loadPlan } from "./plan-source.js";
import type { RepoClient } from "./repo-client.js";
import { mirrorFor } from "./repo-mirror.js";
import type { RepoMirror } from "./repo-mirror.js";
import type { RepoSession } from "./repo-session.js";
import { publishLater } from "./repo-session.js";
import { seedDispatches, watchJobs } from "./run-watch.js";
import { renderStatusComment } from "./status-comment.js";

export interface ReconcileDeps {
  config: AppConfig;
  now: () => Date;
  log: (message: string) => void;
  /** Waits between merge attempts that lost a race (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_PASSES = 4;

/** Milestones the target's first-parent messages prove landed (core/merged-evidence.ts says what counts). */
export function mergedOnTarget(messages: readonly string[], trailer: "Merged|Milestone" | "Merged" = "Merged|Milestone"): Set<string> {
  return landedIds(messages, trailer);
}

/**
 * Why a reconcile runs: a heartbeat-driven one need not look at the target's history (nothing merged meanwhile);
 * "checks" (a check run completed, a review came in) and the tick try again what waited for required checks.
 */
export type ReconcileTrigger = "event" | "push" | "tick" | "heartbeat" | "checks";

export async function reconcileRepo(session: RepoSession, client: RepoClient, deps: ReconcileDeps, trigger: ReconcileTrigger = "event"): Promise<void> {
  /** This pass follows our own landing: what landed is known, the target need not be listed again. */
  let afterLanding = false;
  /** Check runs and the status comment follow once, after the last pass (nothing on them delays a start). */
  const unpublished = new Set<string>();
  let shown: { plan: Plan; ledger: Ledger; now: Date } | undefined;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const mirror = await mirrorFor(session, client);
    const base = (pass === 0 && trigger !== "tick" ? session.ledgers.version : undefined) ?? (await readLedger(client, session.ledgers.guard, mirror));
    session.ledgers.version = base;
    session.ledgers.latest = base.ledger;
    if (!base.ledger.run) return;
    const ledger: Ledger = structuredClone(base.ledger);
    const run = ledger.run!;
    const plan = await loadPlan(session, client);
    const now = deps.now();
    const changed = new Set<string>();
    const ctx: MergeContext = { client, session, plan, ledger, config: deps.config, now, log: deps.log, sleep: deps.sleep, deferredDeletes: new Set() };
    /** The target's head as fetched into the mirror in this pass (a landing seen by git): the starts claim from it. */
    let targetHead: string | undefined;
    for (const m of plan.milestones) ledger.milestones[m.id] ??= { state: "pending", attempts: 0, requeues: 0, tasks: m.tasks.length, tasksDone: 0, costUsd: 0 };

    // Observe: what landed on the target, what workers said, which runs ended.
    const seen = afterLanding ? { all: [], firstParent: [] } : await targetMessages(session, client, run.target, trigger, pass);
    // Any weave trailer reachable from the target only names a candidate: it counts when the milestone's branch is
    // on the target (git's evidence) — a branch's own commits can never mark another milestone merged.
    const merged = mergedOnTarget(seen.all);
    // Only weave's merge commit (`Weave-Merged`) on the target's first-parent chain proves the whole branch landed.
    const wholly = mergedOnTarget(seen.firstParent, "Merged");
    for (const id of wholly) merged.add(id);
    for (const id of merged) {
      const r = ledger.milestones[id];
      const m = findMilestone(plan, id);
      if (!r || !m || r.state === "merged" || ACTIVE_STATES.has(r.state)) continue;
      // Landed by someone (a person, auto-merge, a queue): what follows a landing follows it here too.
      if (["finished", "merging", "conflict"].includes(r.state) && (wholly.has(id) || (await branchLanded(mirror, run.target, `weave/${id}`, (sha) => (targetHead = sha))))) await landed(ctx, { record: r, milestone: m, branch: `weave/${id}` }, undefined);
      // A milestone weave never saw finish counts as merged only by weave's own merge trailer on the target's
      // first-parent chain (a ledger rebuilt after a loss), never by a checkpoint-style trailer.
      else if (wholly.has(id)) moveRecord(id, r, "merged", undefined);
      else continue;
      r.reason = undefined;
      changed.add(id);
    }
    if (trigger === "tick" || trigger === "checks") {
      // A check or review may have changed what the rules allow; and waiting never depends on events alone.
      for (const r of Object.values(ledger.milestones)) if (r.waitingFor === "checks") Object.assign(r, { waitingFor: undefined, mergeBlocked: false });
    }
    const closedPulls = new Map(session.inbox.closedPulls);
    // A push to the target may leave PRs GitHub is merging behind (strict checks): they are looked at then too.
    const poll = trigger === "tick" || trigger === "push";
    if (closedPulls.size > 0 || poll) for (const id of await followPulls(ctx, closedPulls, poll)) changed.add(id);
    // What jobs said and what GitHub says of their runs (github/run-watch.ts).
    const budgetReached = isBudgetReached(ledger, session.heartbeats, plan.budget_ceiling);
    const askAll = trigger === "tick" || !session.dispatchBook.runsAsked;
    for (const id of await watchJobs({ client, session, plan, ledger, config: deps.config, now, mirror, budgetReached, askAll })) changed.add(id);
    session.dispatchBook.runsAsked = true;
    seedDispatches(session, ledger);

    // Decide.
    const rank = rankMilestones(plan);
    const actions = decide({
      plan,
      milestones: new Map(Object.entries(ledger.milestones).filter(([id]) => findMilestone(plan, id)).map(([id, r]) => [id, r satisfies MilestoneView])),
      rankOf: (id) => rank.get(id) ?? Number.MAX_SAFE_INTEGER,
      costUsd: Object.values(ledger.milestones).reduce((n, r) => n + r.costUsd, 0),
      budgetUsd: plan.budget_ceiling,
      budgetStopped: run.budgetStopped,
      workers: plan.max_workers,
    });

    // Act. Starts are independent of each other and run side by side.
    const starts: string[] = [];
    for (const action of actions) {
      if (action.kind === "budget-stop") {
        run.budgetStopped = true;
        for (const id of action.ids) ledger.milestones[id]!.signal = plan.budget_action === "drain" ? "pause" : "stop";
        deps.log(`${client.fullName}: budget reached; stopping ${action.ids.join(", ") || "nothing"}`);
        continue;
      }
      const r = ledger.milestones[action.id]!;
      changed.add(action.id);
      if (action.kind === "requeue") {
        r.requeues += 1;
        moveRecord(action.id, r, "eligible", `requeued (${r.requeues}/${plan.retries}) after: ${r.reason ?? "going silent"}`);
      } else if (action.kind === "fail") moveRecord(action.id, r, "failed", action.reason);
      else if (action.kind === "skip") moveRecord(action.id, r, "skipped", action.reason);
      else if (action.kind === "unskip") moveRecord(action.id, r, "pending", action.reason);
      else if (action.kind === "merge") {
        try {
          await landMilestone(ctx, action.id);
        } catch (e) {
          // One milestone's merge trouble does not hold up the rest of the run; the next reconcile tries again.
          r.reason = `merging failed: ${(e as Error).message}`;
          deps.log(`${client.fullName}: ${action.id}: ${r.reason}`);
        }
      } else if (action.kind === "start") starts.push(action.id);
    }
    if (plan.merge.via === "pr") {
      // Finished milestones get their PR now, so reviewers can look (and approve) before weave merges.
      for (const id of await openFinishedPulls(ctx, (id) => analyse(ctx, id)).catch((e: unknown) => (deps.log(`${client.fullName}: opening PRs: ${(e as Error).message}`), []))) changed.add(id);
    }
    if (starts.length > 0) {
      // Through the mirror: the claims push from it, so it must hold the target's head.
      // A head fetched in this pass holds every landing this pass saw: a second fetch would only delay the dispatch.
      const targetSha = targetHead ?? (await mirror.fetch([run.target]).then((h) => h.get(run.target), () => undefined));
      if (!targetSha) deps.log(`${client.fullName}: target branch ${run.target} not found; nothing started`);
      else {
        // One start that fails (a refused check run, a network error) must not lose what this pass already did.
        const results = await Promise.allSettled(starts.map((id) => startMilestone({ client, session, plan, ledger, id, config: deps.config, now, targetSha })));
        results.forEach((result, i) => {
          if (result.status === "fulfilled") return;
          ledger.milestones[starts[i]!]!.reason = `starting failed: ${(result.reason as Error).message}`;
          deps.log(`${client.fullName}: ${starts[i]}: starting failed: ${(result.reason as Error).message}`);
        });
      }
    }

    // Branches that landed go after this pass's starts (a dispatch never waits on their push), before the ledger
    // write: a ledger that says merged never names a branch still there.
    for (const branch of ctx.deferredDeletes!) await deleteLandedBranch(ctx, mirror, branch);

    // Write the ledger; a lost race means someone else changed the world: look again.
    // A distrusted head (its MAC failed) is written over with the last good state even when nothing else changed.
    if (base.distrusted || JSON.stringify(ledger) !== JSON.stringify(base.ledger)) {
      // Heartbeats are judged by the session's ledger: the runs this pass dispatched are known from the moment the
      // write can be seen (the push lands before writeLedger returns), or a job's heartbeat in between is refused.
      session.ledgers.latest = ledger;
      const written = await writeLedger(client, session.ledgers.guard, base, ledger, summarise(changed, ledger), mirror);
      if (!written) {
        deps.log(`${client.fullName}: ledger moved during reconcile; looking again`);
        session.ledgers.latest = base.ledger;
        session.ledgers.version = undefined;
        afterLanding = false;
        continue;
      }
      session.ledgers.latest = written.ledger;
      session.ledgers.version = written;
    }
    for (const n of closedPulls.keys()) session.inbox.closedPulls.delete(n);
    for (const id of changed) unpublished.add(id);
    shown = { plan, ledger, now };
    // A landing unblocks dependents: decide again at once — their dispatches before any check run or comment edit.
    if (actions.some((a) => a.kind === "merge" && ledger.milestones[a.id]?.state === "merged") && pass + 1 < MAX_PASSES) {
      afterLanding = true;
      continue;
    }
    break;
  }
  // Beside the queue: the next reconcile (a dependent's dispatch) need not wait while these wait for the throttle.
  if (shown) {
    const { plan, ledger, now } = shown;
    void publishLater(session, () => publish(session, client, plan, ledger, unpublished, now)).catch((e: unknown) => deps.log(`${client.fullName}: publishing: ${(e as Error).message}`));
  }
}

/**
 * Recent commit messages of the target — every reachable one, and those of its first-parent chain: from the push
 * webhooks since the last reconcile when they are known to be complete (no API call), else listed. A
 * heartbeat-driven first pass needs none (nothing landed meanwhile).
 */
async function targetMessages(session: RepoSession, client: RepoClient, target: string, trigger: ReconcileTrigger, pass: number): Promise<{ all: string[]; firstParent: string[] }> {
  const pushed = session.inbox.pushed.get(target);
  session.inbox.pushed.delete(target);
  if (pass === 0 && trigger === "heartbeat" && !pushed) return { all: [], firstParent: [] };
  if (pass === 0 && trigger !== "tick" && session.inbox.targetListed && (pushed?.complete ?? true)) return { all: pushed?.messages ?? [], firstParent: pushed?.heads ?? [] };
  const page = await client.recentCommits(target);
  session.inbox.targetListed = true;
  return { all: page.map((c) => c.message), firstParent: firstParentChain(page).map((c) => c.message) };
}

/** The branch's head is on the target (a queue's or a person's merge without weave's trailer); `fetched` is told the target's head. */
async function branchLanded(mirror: RepoMirror, target: string, branch: string, fetched: (targetSha: string) => void): Promise<boolean> {
  try {
    const heads = await mirror.fetch([target, branch]);
    fetched(heads.get(target)!);
    return mirror.isAncestor(heads.get(branch)!, heads.get(target)!);
  } catch {
    return false; // the branch is gone already
  }
}

function summarise(changed: ReadonlySet<string>, ledger: Ledger): string {
  const parts = [...changed].map((id) => `${id} ${ledger.milestones[id]!.state}`);
  return parts.length ? parts.join(", ") : "progress";
}

/** Check runs of milestones that changed, and the sticky status comment when its text changed. */
async function publish(session: RepoSession, client: RepoClient, plan: Plan, ledger: Ledger, changed: ReadonlySet<string>, now: Date): Promise<void> {
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

