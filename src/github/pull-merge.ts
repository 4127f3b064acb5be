/**
 * Landing through a pull request (`merge.via: pr`): open or find the milestone's PR, wait while GitHub computes
 * `mergeable`, then merge with the head `sha` — or, where the target's rules ask for it, hand the PR to GitHub's
 * merge queue or native auto-merge rather than bypass them.
 * Responsibilities: the PR's life from weave's side, including PRs merged or closed by someone else; where weave's
 * own PRs start no CI (the Actions home on GITHUB_TOKEN alone), saying that required checks will never run, and the fix.
 * Not here: the git analysis and conflicts (github/merge-back.ts), what follows a landing (github/landing-attempt.ts).
 * Invariants: a merge names the head it was computed for (a moved head is never merged unseen); a repository with a
 * merge queue is never merged around it.
 */
import { autoMergeRefusal } from "./github-refusals.js";
import { nextLandingStep } from "./landing-policy.js";
import type { Analysis, Attempt, MergeContext } from "./landing-attempt.js";
import { block, landed, mergedTree, tell } from "./landing-attempt.js";
import { mergeCommitMessage, pullBody, pullTitle } from "./merge-texts.js";
import { moveRecord } from "./mutate-record.js";
import type { BranchRule, PullView } from "./repo-client.js";
import { mirrorFor } from "./repo-mirror.js";
import { WeaveError } from "../core/errors.js";
import { findMilestone } from "../core/plan/plan.js";
import { formatTrailers, hasTrailer, TRAILER } from "../core/trailers.js";

/** Waits between looks while GitHub computes `mergeable` (null). */
export const MERGEABLE_POLL_MS = [300, 1000, 2000, 4000];
const RULES_TTL_MS = 5 * 60_000;

// (Octokit's graphql() reserves some variable names, `method` among them.)
const ENABLE_AUTO_MERGE = `mutation($id: ID!, $oid: GitObjectID, $mergeMethod: PullRequestMergeMethod, $headline: String, $body: String) {
  enablePullRequestAutoMerge(input: {pullRequestId: $id, expectedHeadOid: $oid, mergeMethod: $mergeMethod, commitHeadline: $headline, commitBody: $body}) { pullRequest { number } }
}`;
const ENQUEUE = `mutation($id: ID!, $oid: GitObjectID) {
  enqueuePullRequest(input: {pullRequestId: $id, expectedHeadOid: $oid}) { mergeQueueEntry { position } }
}`;

/** The milestone's open PR (created when it has none), its merged PR, or "empty" when the branch adds nothing. */
export async function ensurePull(ctx: MergeContext, a: Analysis): Promise<PullView | "empty" | "closed"> {
  const r = a.record;
  if (r.pr) {
    const known = await ctx.client.getPull(r.pr);
    if (known?.state === "open" && r.prHead !== a.head) {
      // New commits since the body was written (a resolve job, a person's fix, a rerun): say what is there now.
      await ctx.client.updatePull(known.number, { body: pullBody(ctx.plan, ctx.ledger, a.milestone, await a.mirror.commits(a.base, a.head), a.scopeWarnings) });
      r.prHead = a.head;
    }
    if (known && (known.state === "open" || known.merged)) return known;
    if (known && !r.mergeRequested) {
      // A person closed it: that is a "no" until someone says `/weave merge`.
      block(r, `its PR #${r.pr} was closed without merging; \`/weave merge ${a.milestone.id}\` opens a new one`);
      return "closed";
    }
    r.pr = undefined;
  }
  const body = pullBody(ctx.plan, ctx.ledger, a.milestone, await a.mirror.commits(a.base, a.head), a.scopeWarnings);
  const created = await ctx.client.createPull({ title: pullTitle(a.milestone), body, head: a.branch, base: a.target });
  if (created === "empty") return "empty";
  const pull = created === "exists" ? await ctx.client.findOpenPull(a.branch, a.target) : created;
  if (!pull) throw new WeaveError("internal", `GitHub says a PR from ${a.branch} exists but lists none open`, { hint: "weave looks again on its next reconcile" });
  r.pr = pull.number;
  r.prHead = a.head;
  if (created === "exists") await ctx.client.updatePull(pull.number, { body });
  return pull;
}

/** Opens PRs for finished milestones that have none, so reviewers can look before anything is merged. */
export async function openFinishedPulls(ctx: MergeContext, analyse: (id: string) => Promise<Analysis | undefined>): Promise<string[]> {
  const opened: string[] = [];
  for (const [id, r] of Object.entries(ctx.ledger.milestones)) {
    if (r.state !== "finished" || r.pr || r.mergeBlocked || !findMilestone(ctx.plan, id)) continue;
    try {
      const a = await analyse(id);
      if (!a) continue;
      // A branch with nothing the target lacks has nothing to review: it has landed.
      const pull = (await a.mirror.isAncestor(a.head, a.base)) ? "empty" : await ensurePull(ctx, a);
      if (pull === "empty") await landed(ctx, a, "nothing to merge: the target already has all of it");
      opened.push(id);
    } catch (e) {
      r.reason = `opening its PR failed: ${(e as Error).message}`;
      ctx.log(`${ctx.client.fullName}: ${id}: ${r.reason}`);
    }
  }
  return opened;
}

async function rulesOf(ctx: MergeContext, branch: string): Promise<BranchRule[]> {
  const cached = ctx.session.branchRules.rules.get(branch);
  if (cached && ctx.now.getTime() - cached.at < RULES_TTL_MS) return cached.rules;
  const rules = await ctx.client.branchRules(branch);
  ctx.session.branchRules.rules.set(branch, { at: ctx.now.getTime(), rules });
  return rules;
}

const METHOD = { merge: "MERGE", squash: "SQUASH", rebase: "REBASE" } as const;

export async function landThroughPull(ctx: MergeContext, a: Analysis): Promise<Attempt> {
  const attempt = await landThroughPullOnce(ctx, a);
  if (attempt === "done" && ctx.config.ownWritesStartNoCi) noteChecksNeverRun(ctx, a);
  return attempt;
}

/**
 * The Actions home on GITHUB_TOKEN alone: weave's PR (opened or updated with it) starts no workflow, so a PR left
 * waiting on required status checks waits forever. Its reason says so and what fixes it, rather than "once checks pass".
 */
function noteChecksNeverRun(ctx: MergeContext, a: Analysis): void {
  const r = a.record;
  const waitsForChecks = r.state === "merging" || r.waitingFor === "checks";
  const checksRequired = ctx.session.branchRules.rules.get(a.target)?.rules.some((x) => x.type === "required_status_checks") === true;
  if (!waitsForChecks || !checksRequired || !r.pr || !r.reason || r.reason.includes(NO_CI)) return;
  r.reason += ` — ${NO_CI}: its required checks never run. Add the repository secrets WEAVE_APP_ID and WEAVE_APP_PRIVATE_KEY (a GitHub App of yours), close #${r.pr} and say \`/weave merge ${a.milestone.id}\`: weave opens it again as the App, and CI runs`;
}

const NO_CI = "a PR made with GITHUB_TOKEN starts no workflows";

async function landThroughPullOnce(ctx: MergeContext, a: Analysis): Promise<Attempt> {
  const r = a.record;
  if (!a.merged.clean) {
    // Only conflicts in weave's own paths (core/weave-owned-paths.ts): commit the milestone's side on its branch, so the PR becomes mergeable.
    const commit = await a.mirror.git.commitTree(await mergedTree(a), [a.head, a.base], `weave: merge ${a.target} into ${a.branch}, keeping the milestone's .weave/\n\n${formatTrailers([[TRAILER.milestone, a.milestone.id]])}`);
    await a.mirror.push(commit, a.branch); // pushed or not, look again at what is there now
    return "retry";
  }
  const opened = await ensurePull(ctx, a);
  if (opened === "closed") return "done";
  let pull = opened;
  if (pull === "empty") return void (await landed(ctx, a, "nothing to merge: the branch adds no commits")), "done";
  if (pull.merged) return void (await landed(ctx, a, undefined)), "done";
  if (pull.headSha !== a.head) return "retry";

  // A job's push (its GITHUB_TOKEN) started no CI on this head: weave pushes it again as itself so checks run.
  if (await ensureChecksWillRun(ctx, a)) return "retry";
  const rules = await rulesOf(ctx, a.target);
  const { title, message } = mergeCommitMessage(a.milestone, r.costUsd, pull.number);
  const queue = rules.some((x) => x.type === "merge_queue") || ctx.session.branchRules.queueTargets.has(a.target);
  const requiresChecks = rules.some((x) => x.type === "required_status_checks" || x.type === "pull_request");
  // Where rules ask for checks, what to do depends on GitHub's view (behind or not): wait until it has computed it.
  if (requiresChecks || queue) pull = await settledPull(ctx, pull);
  if (pull.headSha !== a.head) return "retry";
  let step = nextLandingStep({ mergeableState: pull.mergeableState, autoMerge: pull.autoMerge, queue, requiresChecks });
  if (step.kind === "merge") {
    // git found the merge clean, so try at once: GitHub decides mergeability on the merge itself. Only when it says
    // "not mergeable" is it asked again, with backoff, while `mergeable` is null.
    let result = await ctx.client.mergePull(pull.number, { sha: a.head, method: ctx.plan.merge.method, title, message });
    for (let look = 0; result.kind === "refused" && result.error.code === "not-mergeable-yet" && look < MERGEABLE_POLL_MS.length; look++) {
      await (ctx.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms))))(MERGEABLE_POLL_MS[look]!);
      const again = await ctx.client.getPull(pull.number);
      if (!again || again.headSha !== a.head) return "retry";
      if (again.merged) return void (await landed(ctx, a, undefined)), "done";
      if (again.mergeable === false) return "retry"; // the target moved since git looked: look again
      if (again.mergeable === true) result = await ctx.client.mergePull(pull.number, { sha: a.head, method: ctx.plan.merge.method, title, message });
    }
    if (result.kind === "merged") return void (await landed(ctx, a, undefined)), "done";
    const refusal = result.error;
    if (refusal.code === "head-moved" || refusal.code === "base-modified") return "retry";
    if (refusal.code === "workflows-permission") return refuseWorkflows(ctx, a, refusal);
    if (refusal.code === "not-mergeable-yet") {
      r.reason = `GitHub is still computing whether #${pull.number} can merge; weave looks again on its next reconcile`;
      return "done";
    }
    if (refusal.code !== "head-behind" && refusal.code !== "merge-queue-required" && refusal.code !== "merge-blocked") {
      block(r, refusal.message);
      return "done";
    }
    // Rules weave could not read (classic branch protection) hold it: behind → update it; else let GitHub merge (or
    // queue) it when they pass.
    // A queue that rulesets do not show (classic protection): remembered for this target, and never merged around.
    if (refusal.code === "merge-queue-required") ctx.session.branchRules.queueTargets.add(a.target);
    // Rules weave cannot list (classic protection) hold it: decide again from GitHub's computed view of the PR.
    const seen = await settledPull(ctx, pull);
    if (seen.headSha !== a.head) return "retry";
    step = refusal.code === "head-behind" ? { kind: "update-branch", armAutoMerge: !seen.autoMerge } : nextLandingStep({ mergeableState: seen.mergeableState, autoMerge: seen.autoMerge, queue: queue || refusal.code === "merge-queue-required", requiresChecks: true });
    if (step.kind === "merge") step = { kind: "auto-merge" }; // refused just now: let GitHub merge it when it can
  }
  const how = queue || ctx.session.branchRules.queueTargets.has(a.target) ? "queue" : "auto-merge";
  switch (step.kind) {
    case "reanalyse":
      return "retry";
    case "wait":
      return waiting(a, how, `${step.why} (#${pull.number})`);
    case "enqueue":
      try {
        await ctx.client.graphql(ENQUEUE, { id: pull.nodeId, oid: a.head });
      } catch (e) {
        // Not admitted yet (checks still running, the head moved): tried again when checks complete or on the tick.
        return waitForChecks(r, `${a.target}'s merge queue does not take #${pull.number} yet (${firstLine(e)}); weave tries again when its checks complete`);
      }
      return waiting(a, "queue", `in ${a.target}'s merge queue (#${pull.number})`);
    case "update-branch":
      return updateBehind(ctx, a, pull, step.armAutoMerge, how, title, message);
    case "auto-merge":
      return armAutoMerge(ctx, a, pull, how, title, message);
    default:
      return "retry";
  }
}

/** The PR once GitHub has computed its mergeability (looked at again with backoff while `mergeable` is null). */
async function settledPull(ctx: MergeContext, pull: PullView): Promise<PullView> {
  let seen = pull;
  for (let look = 0; seen.state === "open" && seen.mergeable === null && look < MERGEABLE_POLL_MS.length; look++) {
    await (ctx.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms))))(MERGEABLE_POLL_MS[look]!);
    seen = (await ctx.client.getPull(pull.number)) ?? seen;
  }
  return seen;
}

/** Arms GitHub's auto-merge (on a queue branch: queue when ready); "done" when armed or waiting for checks instead. */
async function armAutoMerge(ctx: MergeContext, a: Analysis, pull: PullView, how: "queue" | "auto-merge", title: string, message: string): Promise<Attempt> {
  const r = a.record;
  try {
    await ctx.client.graphql(ENABLE_AUTO_MERGE, { id: pull.nodeId, oid: a.head, mergeMethod: METHOD[ctx.plan.merge.method], headline: title, body: message });
    return waiting(a, how, how === "queue" ? `GitHub queues #${pull.number} once its required checks pass` : `auto-merge is on for #${pull.number}: GitHub merges it once required checks and reviews pass`);
  } catch (e) {
    // Mergeable right now after all (GitHub refuses auto-merge then): merge it on the next attempt.
    if (autoMergeRefusal(e, pull.number).code === "mergeable-now") return "retry";
    // Auto-merge off for this repository: wait for the checks' events (or the tick), then try again. A merge a person
    // asked for stays asked for.
    return waitForChecks(r, `#${pull.number} waits for required checks or reviews (${firstLine(e)}); weave merges it when they pass`);
  }
}

/**
 * Strict required checks: GitHub's auto-merge never updates a branch that is behind, so weave does — with the head it
 * saw, as the App (so CI runs on the new head) — and keeps auto-merge armed for when checks pass there.
 */
async function updateBehind(ctx: MergeContext, a: Analysis, pull: PullView, arm: boolean, how: "queue" | "auto-merge", title: string, message: string): Promise<Attempt> {
  const r = a.record;
  let armed = !arm;
  if (arm) armed = (await armAutoMerge(ctx, a, pull, how, title, message)) === "done" && r.autoMerge !== undefined;
  const update = await ctx.client.updateBranch(pull.number, a.head, a.target);
  if (update.kind === "refused") {
    if (update.error.code === "workflows-permission") return refuseWorkflows(ctx, a, update.error);
    return "retry"; // the head moved, or it is up to date after all: look again
  }
  if (armed) return waiting(a, how, `#${pull.number} was behind ${a.target}: updated; GitHub merges it once checks pass on the new head`);
  return waitForChecks(r, `#${pull.number} was behind ${a.target}: updated; weave merges it once checks pass on the new head`);
}

/** GitHub's `workflows` refusal: blocked with its words and the fix, told once on the PR and the tracking issue. */
async function refuseWorkflows(ctx: MergeContext, a: Analysis, error: WeaveError): Promise<Attempt> {
  const text = `${error.message}. ${error.hint ?? ""}`.trim();
  if (!a.record.mergeBlocked) await tell(ctx, a, `### ⛔ ${a.milestone.id} cannot land\n\n${text}\n\nThen say \`/weave merge ${a.milestone.id}\`.`);
  block(a.record, text);
  return "done";
}

function waitForChecks(r: Analysis["record"], reason: string): Attempt {
  r.mergeBlocked = true;
  r.waitingFor = "checks";
  r.reason = reason;
  return "done";
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}

/**
 * A head a job pushed (a resolve job's merge, made with its GITHUB_TOKEN) started no workflows: weave pushes a commit
 * with the same tree on top, as the App, so the PR's checks run. True when it pushed (the head moved).
 */
async function ensureChecksWillRun(ctx: MergeContext, a: Analysis): Promise<boolean> {
  const head = await a.mirror.git.raw(["log", "-1", "--format=%B", a.head]);
  if (!hasTrailer(head, TRAILER.resolve)) return false;
  const tree = (await a.mirror.git.raw(["rev-parse", `${a.head}^{tree}`])).trim();
  const commit = await a.mirror.git.commitTree(tree, [a.head], `weave: run checks on ${a.branch}'s resolved merge\n\nThe resolve job's push (its GITHUB_TOKEN) starts no workflows; this push by the App does.\n\n${formatTrailers([[TRAILER.milestone, a.milestone.id]])}`);
  await a.mirror.push(commit, a.branch);
  return true;
}

function waiting(a: Analysis, how: "queue" | "auto-merge", reason: string): Attempt {
  moveRecord(a.milestone.id, a.record, "merging", reason);
  a.record.autoMerge = how;
  return "done";
}

/**
 * PRs GitHub (a person, auto-merge, the queue) merged or closed: merged → landed; closed unmerged → the milestone waits
 * for `/weave merge`; a merging PR whose auto-merge or queue entry went away → back to finished to try again.
 */
export async function followPulls(ctx: MergeContext, closed: ReadonlyMap<number, boolean>, poll: boolean): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const [id, r] of Object.entries(ctx.ledger.milestones)) {
    if (!r.pr || !["finished", "merging", "conflict"].includes(r.state)) continue;
    const m = findMilestone(ctx.plan, id);
    if (!m) continue;
    let merged = closed.get(r.pr);
    let pull: PullView | undefined;
    if (merged === undefined && poll && r.state === "merging") {
      pull = await ctx.client.getPull(r.pr);
      // Just after the target moved GitHub is still computing: look again briefly (a behind PR must be updated).
      for (let look = 0; pull?.state === "open" && pull.mergeable === null && look < 3; look++) {
        await (ctx.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms))))(MERGEABLE_POLL_MS[look]!);
        pull = await ctx.client.getPull(r.pr);
      }
      // GitHub says `merged: false` of an open PR too: only a closed one is merged (true) or closed unmerged (false).
      merged = pull?.state === "closed" ? pull.merged : pull?.merged === true ? true : undefined;
    }
    if (pull && merged === undefined && r.state === "merging" && pull.mergeableState === "behind") {
      // Strict required checks: auto-merge and the queue never update a behind branch; weave does, as the App.
      const update = await ctx.client.updateBranch(pull.number, pull.headSha, ctx.ledger.run!.target);
      const workflows = update.kind === "refused" && update.error.code === "workflows-permission" ? update.error : undefined;
      if (workflows) {
        moveRecord(id, r, "finished");
        block(r, `${workflows.message}. ${workflows.hint ?? ""}`.trim());
        r.autoMerge = undefined;
        changed.add(id);
      } else if (update.kind === "started") r.reason = `#${pull.number} was behind ${ctx.ledger.run!.target}: updated; GitHub merges it once checks pass on the new head`;
      continue;
    }
    if (merged === true) {
      await landed(ctx, { record: r, milestone: m, branch: `weave/${id}`, mirror: await mirrorFor(ctx.session, ctx.client) }, undefined);
      changed.add(id);
    } else if (merged === false) {
      if (r.state === "merging") moveRecord(id, r, "finished");
      block(r, `its PR #${r.pr} was closed without merging; \`/weave merge ${id}\` opens a new one`);
      r.pr = undefined;
      r.autoMerge = undefined;
      changed.add(id);
    } else if (pull && r.state === "merging" && ((!pull.autoMerge && r.autoMerge === "auto-merge") || pull.mergeable === false)) {
      moveRecord(id, r, "finished", pull.mergeable === false ? `#${r.pr} no longer merges cleanly; merging again` : `auto-merge was turned off for #${r.pr}; merging again`);
      r.autoMerge = undefined;
      changed.add(id);
    }
  }
  return changed;
}
