/**
 * Merge-back on GitHub: land a finished milestone branch on the target — through its pull request (github/pull-merge.ts)
 * or by a direct, non-forced push of a `git merge-tree` merge — or record why it cannot land yet.
 * Responsibilities: the real-git analysis (conflicting files, files outside the declared scope), conflict comments on
 * the PR and the tracking issue, a conflict's hand-over to a resolve job (decide()'s `resolve`), and the bounded
 * retry of a lost race.
 * Not here: when to merge and in which order (reconcile/decide.ts); the ledger write (github/reconcile-repo.ts); the
 * merged tree and what follows a landing (github/landing-attempt.ts).
 * Invariants: never force-pushes; a lost race is recomputed on the new heads (bounded, with backoff); a conflict
 * leaves both branches as they were and the milestone is never run again because of it.
 */
import { WeaveError } from "../core/errors.js";
import { filesOutsideScope, mergeVerdict } from "../core/merge-verdict.js";
import { findMilestone } from "../core/plan/plan.js";
import { resolveGate } from "../reconcile/resolve-gate.js";
import { recordedSpend } from "./budget-reach.js";
import { conflictComment, mergeCommitMessage, scopeText } from "./merge-texts.js";
import type { CommitLine, ConflictSide } from "./merge-texts.js";
import { block, landed, mergedTree, tell } from "./landing-attempt.js";
import type { Analysis, Attempt, MergeContext } from "./landing-attempt.js";
import { moveRecord } from "./mutate-record.js";
import { ensurePull, landThroughPull } from "./pull-merge.js";
import { mirrorFor } from "./repo-mirror.js";

export { landed } from "./landing-attempt.js";
export type { MergeContext } from "./landing-attempt.js";

/** Backoff between attempts when the target or the branch moved while landing. */
export const RACE_BACKOFF_MS = [200, 1000, 3000];


/** Fetches the target and the milestone branch and computes the merge and the scope check; undefined = blocked. */
export async function analyse(ctx: MergeContext, id: string): Promise<Analysis | undefined> {
  const record = ctx.ledger.milestones[id]!;
  const milestone = findMilestone(ctx.plan, id)!;
  const target = ctx.ledger.run!.target;
  const branch = `weave/${id}`;
  const mirror = await mirrorFor(ctx.session, ctx.client);
  let heads: Map<string, string>;
  try {
    heads = await mirror.fetch([target, branch]);
  } catch (e) {
    if (!(e instanceof WeaveError) || e.code !== "ref-missing") throw e;
    block(record, `${branch} or ${target} is gone from GitHub; nothing to merge`);
    return undefined;
  }
  const base = heads.get(target)!;
  const head = heads.get(branch)!;
  const [changed, merged] = await Promise.all([mirror.git.changedFiles(base, head), mirror.git.mergeTree(base, head)]);
  return { mirror, milestone, record, target, branch, base, head, merged, scopeWarnings: filesOutsideScope(milestone, changed) };
}

/** Lands milestone `id` (decide() said now), updating its ledger record in place. */
export async function landMilestone(ctx: MergeContext, id: string): Promise<void> {
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; attempt <= RACE_BACKOFF_MS.length; attempt++) {
    const a = await analyse(ctx, id);
    if (!a) return;
    const r = a.record;
    const verdict = mergeVerdict({ merged: a.merged, scopeWarnings: a.scopeWarnings, strictScope: ctx.plan.merge.scope === "strict" && !r.forceMerge, alreadyOnTarget: await a.mirror.isAncestor(a.head, a.base) });
    if (verdict.kind === "landed") return void (await landed(ctx, a, "it is already on the target"));
    if (verdict.kind === "out-of-scope") {
      if (!r.mergeBlocked) await tell(ctx, a, scopeText(ctx.plan, a.milestone, verdict.files));
      return block(r, `changed files outside its declared files: ${verdict.files.join(", ")}`);
    }
    if (verdict.kind === "conflict") return conflict(ctx, a, verdict.files);
    let outcome: Attempt;
    try {
      outcome = ctx.plan.merge.via === "direct" ? await landDirect(ctx, a) : await landThroughPull(ctx, a);
    } catch (e) {
      // GitHub's `workflows` refusal (a change under .github/workflows/): no retry helps until the App may write them.
      if (!(e instanceof WeaveError) || e.code !== "workflows-permission") throw e;
      if (!r.mergeBlocked) await tell(ctx, a, `### ⛔ ${a.milestone.id} cannot land\n\n${e.message}. ${e.hint ?? ""}\n\nThen say \`/weave merge ${a.milestone.id}\`.`);
      return block(r, `${e.message}. ${e.hint ?? ""}`.trim());
    }
    if (outcome === "done") return;
    if (attempt < RACE_BACKOFF_MS.length) await sleep(RACE_BACKOFF_MS[attempt]!);
  }
  ctx.ledger.milestones[id]!.reason = "the target or the branch kept moving while merging; trying again on the next reconcile";
}

async function landDirect(ctx: MergeContext, a: Analysis): Promise<Attempt> {
  const { title, message } = mergeCommitMessage(a.milestone, a.record.costUsd);
  const parents = ctx.plan.merge.method === "squash" ? [a.base] : [a.base, a.head];
  const commit = await a.mirror.git.commitTree(await mergedTree(a), parents, `${title}\n\n${message}`);
  try {
    if ((await a.mirror.push(commit, a.target)) === "rejected") return "retry";
  } catch (e) {
    if (!(e instanceof WeaveError) || e.code !== "not-authorized") throw e;
    block(a.record, `${a.target} refuses direct pushes; use \`merge.via: pr\` (${e.message})`);
    return "done";
  }
  await landed(ctx, a, undefined);
  return "done";
}

async function conflict(ctx: MergeContext, a: Analysis, files: string[]): Promise<void> {
  const r = a.record;
  const id = a.milestone.id;
  if (ctx.plan.merge.via === "pr") await ensurePull(ctx, a).catch((e: unknown) => ctx.log(`${ctx.client.fullName}: no PR for ${id}: ${(e as Error).message}`));
  const mergeBase = await a.mirror.git.mergeBase(a.base, a.head);
  const side = async (branch: string, tip: string): Promise<ConflictSide> => {
    const commits = new Map<string, CommitLine[]>();
    for (const file of files.slice(0, 20)) commits.set(file, await a.mirror.commits(mergeBase, tip, [file]));
    return { branch, sha: tip, commits };
  };
  const wasRequested = r.mergeRequested === true;
  moveRecord(id, r, "merging");
  moveRecord(id, r, "conflict", `conflicts with ${a.target} in ${files.join(", ")}`);
  r.conflictFiles = files;
  r.mergeRequested = false;
  r.forceMerge = false;
  await tell(ctx, a, conflictComment(ctx.plan, a.milestone, files, await side(a.target, a.base), await side(a.branch, a.head)));
  // decide()'s own gate, on the figure decide() is given: a job comes only when it says "take".
  const gate = resolveGate({ plan: ctx.plan, resolveJobs: true, resolveAttempts: r.resolveAttempts, spend: recordedSpend(ctx.ledger, ctx.plan.budget_ceiling) });
  if (gate === "budget-spent") r.reason = `${r.reason ?? ""}; no resolve job: the budget is spent`;
  if (gate !== "take") return;
  // decide() gives the conflict to a resolve job (its `resolve` action, in a worker slot); a merge asked for before
  // stays asked for, so the milestone lands once the job has merged the target in.
  r.mergeRequested = wasRequested;
}
