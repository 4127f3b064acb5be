/**
 * Starting a milestone on GitHub: claim `weave/<ID>` by creating it at the target's head with a git push that expects
 * no such ref (an existing ref means it is taken; no REST write), dispatch the worker workflow with
 * `return_run_details`, then create its check run `weave / <ID>` — after the dispatch, so it is off the job's path.
 * Responsibilities: the claim, adopting a job a lost response left running, never dispatching twice for one attempt;
 * with the coordinator in Actions (no heartbeat endpoint), the job's allowance (core/worker-allowance.ts) as the
 * `allowance_usd` input — a milestone whose grant is too small waits unclaimed — and, for a worker workflow written
 * before that input existed (GitHub refuses unknown inputs with 422), the same dispatch again without it.
 * Not here: deciding to start (reconcile/decide.ts via github/reconcile-repo.ts); finding a run GitHub did not name
 * (github/run-watch.ts).
 * Invariants: a dispatch whose outcome is unknown (5xx, a lost answer) counts as made: its id stays in the ledger
 * and its run is looked for; only GitHub's definite refusal (4xx) lets the same attempt dispatch again.
 */
import { randomBytes } from "node:crypto";
import { WeaveError } from "../core/errors.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { grantAllowance } from "../core/worker-allowance.js";
import type { AppConfig } from "./app-config.js";
import { checkRunName, renderCheckSummary } from "./check-runs.js";
import type { Ledger } from "./ledger.js";
import { moveRecord } from "./mutate-record.js";
import type { RepoClient } from "./repo-client.js";
import { httpStatus } from "./repo-client.js";
import { mirrorFor } from "./repo-mirror.js";
import type { RepoSession } from "./repo-session.js";

export interface StartInput {
  client: RepoClient;
  session: RepoSession;
  plan: Plan;
  ledger: Ledger;
  id: string;
  config: AppConfig;
  now: Date;
  /** The target's head, read once for all the milestones a reconcile starts (fetched into the mirror). */
  targetSha: string;
  /** `resolve`: a job that merges the target into the milestone branch with the agent (`merge.resolve: agent`). */
  mode?: "run" | "resolve";
}

export async function startMilestone({ client, session, plan, ledger, id, config, now, targetSha, mode = "run" }: StartInput): Promise<void> {
  const r = ledger.milestones[id]!;
  const run = ledger.run!;
  const branch = `weave/${id}`;
  // No endpoint hears the workers' spend live: each job gets its share of what the run has left (the App's
  // heartbeats enforce the budget live, so it passes none).
  const grant = !config.publicUrl && mode === "run" ? grantAllowance({ ceilingUsd: plan.budget_ceiling, workers: plan.max_workers, milestones: ledger.milestones, id }) : undefined;
  if (grant?.tooSmall) {
    r.reason = `waiting for budget: the jobs running hold what the run has left ($${grant.freeUsd.toFixed(2)} free)`;
    return;
  }
  // Pinned at claim time: a token from a repository of the same name (renamed, recreated) never speaks for this run.
  run.repositoryId ??= await client.repositoryId();

  // A first start claims the branch outright (one push); only when it exists do we look at what is there.
  const mirror = await mirrorFor(session, client);
  const claim = async (): Promise<boolean> => (await mirror.createBranch(targetSha, branch)) === "created";
  const fresh = r.attempts === 0 && r.state !== "stale" && (await claim());
  let sha = fresh ? targetSha : await mirror.fetchRef(`refs/heads/${branch}`);
  if (!sha) {
    // A resumed milestone whose branch was deleted starts over from the target.
    if (!(await claim())) {
      r.reason = `${branch} changed while starting; looking again`;
      return;
    }
    sha = targetSha;
  }
  if (!fresh && r.attempts === 0 && r.state !== "stale") {
    // The branch exists but the ledger never started it: a lost response, a racing handler, or a leftover branch.
    const known = [...session.dispatchBook.pending].find(([, d]) => d.milestone === id);
    const live = known ? { id: known[1].runId, dispatchId: known[0] } : await findLiveRun(client, config, id);
    if (live?.id) {
      r.dispatchId = live.dispatchId;
      r.runId = live.id;
      r.attempts = 1;
      r.startedAt = now.toISOString();
      moveRecord(id, r, "claimed", "adopted a job already running");
      return;
    }
  }

  const m = findMilestone(plan, id)!;
  const dispatchId = `${run.id}.${id}.${r.attempts + 1}.${randomBytes(3).toString("hex")}`;
  session.dispatchBook.pending.set(dispatchId, { milestone: id });
  // `mode` goes only to resolve jobs, so workflows written before it existed still take ordinary runs.
  const inputs: Record<string, string> = { milestone: id, dispatch_id: dispatchId, sha, app_url: config.publicUrl, ...(mode === "resolve" ? { mode } : {}) };
  let runId: number | undefined;
  let allowanceSent = grant !== undefined;
  try {
    const ref = await client.defaultBranch();
    try {
      runId = await client.dispatchWorkflow(config.workflowFile, ref, grant ? { ...inputs, allowance_usd: grant.allowanceUsd.toFixed(4) } : inputs);
    } catch (e) {
      // A worker workflow from before `allowance_usd`: GitHub refuses the unknown input; the job runs without an allowance.
      if (!grant || httpStatus(e instanceof WeaveError ? e.cause : e) !== 422) throw e;
      allowanceSent = false;
      runId = await client.dispatchWorkflow(config.workflowFile, ref, inputs);
    }
  } catch (e) {
    const status = httpStatus(e instanceof WeaveError ? e.cause : e);
    if (status !== undefined && status >= 400 && status < 500) {
      // GitHub refused it (a missing workflow, bad inputs, no permission): nothing started; this attempt may try again.
      r.reason = `dispatch failed: ${(e as Error).message}`;
      session.dispatchBook.pending.delete(dispatchId);
      return;
    }
    // The request may have been carried out even though the answer was lost: it counts as made. Its run is looked
    // for by its dispatch id now and, since runs show up late, again with backoff (github/run-watch.ts).
    runId = (await client.findRunByTitle(config.workflowFile, dispatchId).catch(() => undefined))?.id;
  }
  session.dispatchBook.pending.set(dispatchId, { milestone: id, runId });
  if (!r.checkRunId) {
    // After the dispatch: the job need not wait for its check run. One that fails is created on a later reconcile.
    r.checkRunId = await ensureCheckRun(client, m, r, sha, now).catch(() => undefined);
    if (r.checkRunId !== undefined) session.published.checkRuns.set(id, "queued/");
  }
  r.dispatchId = dispatchId;
  r.runId = runId;
  r.sha = sha;
  r.attempts += 1;
  r.startedAt = now.toISOString();
  r.lastHeartbeat = undefined;
  r.signal = undefined;
  r.resolving = mode === "resolve";
  if (allowanceSent && grant) r.allowanceUsd = grant.allowanceUsd;
  else delete r.allowanceUsd;
  moveRecord(id, r, "claimed", undefined);
  r.reason = undefined;
}

function ensureCheckRun(client: RepoClient, m: ReturnType<typeof findMilestone> & object, r: Ledger["milestones"][string], sha: string, now: Date): Promise<number> {
  return client.createCheckRun({
    name: checkRunName(m.id), head_sha: sha, status: "queued", external_id: m.id,
    output: { title: `queued — 0/${m.tasks.length} tasks`, summary: renderCheckSummary(m, r, now) },
  });
}

async function findLiveRun(client: RepoClient, config: AppConfig, id: string): Promise<{ id: number; dispatchId: string } | undefined> {
  const run = await client.findRunByTitle(config.workflowFile, `weave ${id} (`);
  if (!run || run.status === "completed") return undefined;
  const title = (await client.getRun(run.id))?.display_title ?? "";
  return { id: run.id, dispatchId: /\(([^)]+)\)/.exec(title)?.[1] ?? "" };
}
