/**
 * Reconcile one repository: observe (ledger, target commits, heartbeats, finished runs; reconcile/observe.ts) →
 * decide (the same pure decide() the local coordinator uses) → apply (reconcile/apply.ts through the GitHub forge:
 * claim, check run, dispatch, land, resolve) → write the ledger by CAS — each a step of its own.
 * Responsibilities: every webhook, heartbeat and tick of a repository ends here; duplicates and reorderings are
 * harmless because each pass recomputes from what is true now.
 * Not here: comment commands (github/comment-commands.ts), starting a milestone's job (github/dispatch.ts), showing
 * the run (check runs and the status comment, github/run-publish.ts),
 * landing a milestone (github/merge-back.ts, github/pull-merge.ts).
 * Invariants: a lost CAS re-reads and decides again (bounded); dispatches are never retried blindly; a landed branch
 * is deleted after the pass's starts and before its ledger write (a dispatch never waits on the deletion's push).
 */
import { ACTIVE_STATES } from "../core/lifecycle.js";
import type { MilestoneState } from "../core/lifecycle.js";
import { firstParentChain, landedIds } from "../core/merged-evidence.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { rankMilestones } from "../core/plan/plan-schedule.js";
import type { Clock } from "../ports/clock.js";
import { apply } from "../reconcile/apply.js";
import { decide } from "../reconcile/decide.js";
import type { Action, MilestoneView } from "../reconcile/decide.js";
import type { AppConfig } from "./app-config.js";
import { createGitHubForge } from "./github-forge.js";
import type { Ledger, LedgerVersion } from "./ledger.js";
import { loadLedger, saveLedger } from "./ledger-store.js";
import { deleteLandedBranch } from "./landing-attempt.js";
import { analyse, landed } from "./merge-back.js";
import type { MergeContext } from "./merge-back.js";
import { isBudgetReached, recordedSpend } from "./budget-reach.js";
import { moveRecord } from "./mutate-record.js";
import { followPulls, openFinishedPulls } from "./pull-merge.js";
import { loadPlan } from "./plan-source.js";
import type { RepoClient } from "./repo-client.js";
import { mirrorFor } from "./repo-mirror.js";
import type { RepoMirror } from "./repo-mirror.js";
import type { RepoSession } from "./repo-session.js";
import { publishLater } from "./repo-session.js";
import { seedDispatches, watchJobs } from "./run-watch.js";
import { publishRun } from "./run-publish.js";

export interface ReconcileDeps {
  config: AppConfig;
  /** What time it is for this reconcile's judgements; `clock.now` wins when a clock is given. */
  now: () => Date;
  log: (message: string) => void;
  /** Waits between merge attempts that lost a race (tests shorten it); `clock.sleep` wins when a clock is given. */
  sleep?: (ms: number) => Promise<void>;
  /** The loop's clock (ports/clock.ts): now and waits from one place. */
  clock?: Clock;
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
    const p = await openPass(session, client, deps, trigger, pass);
    if (!p) return;
    await observePass(p, trigger, pass, afterLanding);
    const actions = decidePass(p);
    await applyPass(p, actions);
    if (!(await writePass(p))) {
      afterLanding = false;
      continue;
    }
    for (const id of p.changed) unpublished.add(id);
    shown = { plan: p.plan, ledger: p.ledger, now: p.now };
    if (!wantsAnotherPass(p, actions) || pass + 1 >= MAX_PASSES) break;
    afterLanding = true;
  }
  // Beside the queue: the next reconcile (a dependent's dispatch) need not wait while these wait for the throttle.
  if (shown) {
    const { plan, ledger, now } = shown;
    void publishLater(session, () => publishRun(session, client, plan, ledger, unpublished, now)).catch((e: unknown) => deps.log(`${client.fullName}: publishing: ${(e as Error).message}`));
  }
}

/** One pass's world: the ledger read (and the copy this pass changes), the plan, the mirror, what changed. */
interface Pass {
  session: RepoSession;
  client: RepoClient;
  deps: ReconcileDeps;
  base: LedgerVersion;
  ledger: Ledger;
  plan: Plan;
  now: Date;
  mirror: RepoMirror;
  ctx: MergeContext;
  changed: Set<string>;
  /** Pull requests closed since the last pass, looked at in this one. */
  closedPulls: Map<number, boolean>;
  /** The target's head as fetched into the mirror in this pass (a landing seen by git): the starts claim from it. */
  targetHead?: string;
}

async function openPass(session: RepoSession, client: RepoClient, deps: ReconcileDeps, trigger: ReconcileTrigger, pass: number): Promise<Pass | undefined> {
  const mirror = await mirrorFor(session, client);
  const base = (pass === 0 && trigger !== "tick" ? session.ledgers.version : undefined) ?? (await loadLedger(client, session.ledgers.guard, mirror));
  session.ledgers.version = base;
  session.ledgers.latest = base.ledger;
  if (!base.ledger.run) return undefined;
  const ledger: Ledger = structuredClone(base.ledger);
  const plan = await loadPlan(session, client);
  const now = deps.clock?.now() ?? deps.now();
  const sleep = deps.clock ? (ms: number) => deps.clock!.sleep(ms) : deps.sleep;
  const ctx: MergeContext = { client, session, plan, ledger, config: deps.config, now, log: deps.log, sleep, deferredDeletes: new Set() };
  for (const m of plan.milestones) ledger.milestones[m.id] ??= { state: "pending", attempts: 0, requeues: 0, tasks: m.tasks.length, tasksDone: 0, costUsd: 0 };
  return { session, client, deps, base, ledger, plan, now, mirror, ctx, changed: new Set(), closedPulls: new Map(session.inbox.closedPulls) };
}

/** Observe: what landed on the target, what PRs did, what workers said, which runs ended. */
async function observePass(p: Pass, trigger: ReconcileTrigger, pass: number, afterLanding: boolean): Promise<void> {
  const { session, client, ledger, plan } = p;
  const run = ledger.run!;
  const seen = afterLanding ? { all: [], firstParent: [] } : await targetMessages(session, client, run.target, trigger, pass);
  await observeLandings(p, seen);
  if (trigger === "tick" || trigger === "checks") {
    // A check or review may have changed what the rules allow; and waiting never depends on events alone.
    for (const r of Object.values(ledger.milestones)) if (r.waitingFor === "checks") Object.assign(r, { waitingFor: undefined, mergeBlocked: false });
  }
  // A push to the target may leave PRs GitHub is merging behind (strict checks): they are looked at then too.
  const poll = trigger === "tick" || trigger === "push";
  if (p.closedPulls.size > 0 || poll) for (const id of await followPulls(p.ctx, p.closedPulls, poll)) p.changed.add(id);
  // What jobs said and what GitHub says of their runs (github/run-watch.ts, with reconcile/observe.ts).
  const budgetReached = isBudgetReached(ledger, session.heartbeats, plan.budget_ceiling);
  const askAll = trigger === "tick" || !session.dispatchBook.runsAsked;
  for (const id of await watchJobs({ client, session, plan, ledger, config: p.deps.config, now: p.now, mirror: p.mirror, budgetReached, askAll })) p.changed.add(id);
  session.dispatchBook.runsAsked = true;
  seedDispatches(session, ledger);
}

/**
 * Milestones landed on the target by anyone. Any weave trailer reachable from the target only names a candidate: it
 * counts when the milestone's branch is on the target (git's evidence) — a branch's own commits can never mark
 * another milestone merged; only weave's merge commit (`Weave-Merged`) on the first-parent chain proves it wholly.
 */
async function observeLandings(p: Pass, seen: { all: string[]; firstParent: string[] }): Promise<void> {
  const { ledger, plan } = p;
  const target = ledger.run!.target;
  const merged = mergedOnTarget(seen.all);
  const wholly = mergedOnTarget(seen.firstParent, "Merged");
  for (const id of wholly) merged.add(id);
  for (const id of merged) {
    const r = ledger.milestones[id];
    const m = findMilestone(plan, id);
    if (!r || !m || r.state === "merged" || ACTIVE_STATES.has(r.state)) continue;
    // Landed by someone (a person, auto-merge, a queue): what follows a landing follows it here too.
    if (["finished", "merging", "conflict"].includes(r.state) && (wholly.has(id) || (await branchLanded(p.mirror, target, `weave/${id}`, (sha) => (p.targetHead = sha))))) await landed(p.ctx, { record: r, milestone: m, branch: `weave/${id}` }, undefined);
    // A milestone weave never saw finish counts as merged only by weave's own merge trailer on the target's
    // first-parent chain (a ledger rebuilt after a loss), never by a checkpoint-style trailer.
    else if (wholly.has(id)) moveRecord(id, r, "merged", undefined);
    else continue;
    r.reason = undefined;
    p.changed.add(id);
  }
}

/** Decide: the same pure decide() the local coordinator uses. */
function decidePass(p: Pass): Action[] {
  const { plan, ledger } = p;
  const rank = rankMilestones(plan);
  const spend = recordedSpend(ledger, plan.budget_ceiling);
  return decide({
    plan,
    milestones: new Map(Object.entries(ledger.milestones).filter(([id]) => findMilestone(plan, id)).map(([id, r]) => [id, r satisfies MilestoneView])),
    rankOf: (id) => rank.get(id) ?? Number.MAX_SAFE_INTEGER,
    costUsd: spend.spentUsd,
    budgetUsd: spend.ceilingUsd,
    budgetStopped: spend.stopped,
    workers: plan.max_workers,
    resolveJobs: true,
  });
}

/** Apply: the actions through the GitHub forge (starts side by side, last), PRs for finished work, landed branches deleted. */
async function applyPass(p: Pass, actions: readonly Action[]): Promise<void> {
  const { client, ledger, plan, deps } = p;
  const forge = createGitHubForge(p.ctx, p.mirror, () => p.targetHead);
  const target = {
    plan, records: ledger.milestones, run: ledger.run!, forge,
    move: (id: string, to: MilestoneState, reason: string) => moveRecord(id, ledger.milestones[id]!, to, reason),
    applied: (a: Action) => void ("id" in a && p.changed.add(a.id)),
  };
  await apply(actions.filter((a) => a.kind !== "start"), target);
  if (plan.merge.via === "pr") {
    // Finished milestones get their PR now, so reviewers can look (and approve) before weave merges.
    for (const id of await openFinishedPulls(p.ctx, (id) => analyse(p.ctx, id)).catch((e: unknown) => (deps.log(`${client.fullName}: opening PRs: ${(e as Error).message}`), []))) p.changed.add(id);
  }
  await apply(actions.filter((a) => a.kind === "start"), target);
  // Branches that landed go after this pass's starts (a dispatch never waits on their push), before the ledger
  // write: a ledger that says merged never names a branch still there.
  for (const branch of p.ctx.deferredDeletes!) await deleteLandedBranch(p.ctx, p.mirror, branch);
}

/**
 * Writes the ledger by CAS; false when someone else changed it meanwhile (look again). A distrusted head (its MAC
 * failed) is written over with the last good state even when nothing else changed.
 */
async function writePass(p: Pass): Promise<boolean> {
  const { session, client, base, ledger, mirror } = p;
  if (base.distrusted || JSON.stringify(ledger) !== JSON.stringify(base.ledger)) {
    // Heartbeats are judged by the session's ledger: the runs this pass dispatched are known from the moment the
    // write can be seen (the push lands before writeLedger returns), or a job's heartbeat in between is refused.
    session.ledgers.latest = ledger;
    const written = await saveLedger(client, session.ledgers.guard, base, ledger, summarise(p.changed, ledger), mirror);
    if (!written) {
      p.deps.log(`${client.fullName}: ledger moved during reconcile; looking again`);
      session.ledgers.latest = base.ledger;
      session.ledgers.version = undefined;
      return false;
    }
    session.ledgers.latest = written.ledger;
    session.ledgers.version = written;
  }
  for (const n of p.closedPulls.keys()) session.inbox.closedPulls.delete(n);
  return true;
}

/**
 * A landing unblocks dependents: decide again at once — their dispatches before any check run or comment edit. A
 * merge that conflicted under `merge.resolve: agent` is given its resolve job at once too.
 */
function wantsAnotherPass(p: Pass, actions: readonly Action[]): boolean {
  const after = (state: string): boolean => actions.some((a) => a.kind === "merge" && p.ledger.milestones[a.id]?.state === state);
  return after("merged") || (p.plan.merge.resolve === "agent" && after("conflict"));
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
