/**
 * Starting a milestone on GitHub: claim `weave/<ID>` by creating it at the target's head (an existing ref means it is
 * taken), create its check run `weave / <ID>`, and dispatch the worker workflow with `return_run_details`.
 * Responsibilities: the claim, adopting a job a lost response left running, never dispatching twice blindly.
 * Not here: deciding to start (reconcile/decide.ts via github/reconcile-repo.ts).
 * Invariants: after a failed dispatch the run is looked up by its dispatch id before anything is retried.
 */
import { randomBytes } from "node:crypto";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import type { AppConfig } from "./app-config.js";
import { checkRunName, renderCheckSummary } from "./check-runs.js";
import type { Ledger } from "./ledger.js";
import { moveRecord } from "./mutate-record.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoSession } from "./repo-session.js";

export interface StartInput {
  client: RepoClient;
  session: RepoSession;
  plan: Plan;
  ledger: Ledger;
  id: string;
  config: AppConfig;
  now: Date;
  /** The target's head, read once for all the milestones a reconcile starts. */
  targetSha: string;
  /** `resolve`: a job that merges the target into the milestone branch with the agent (`merge.resolve: agent`). */
  mode?: "run" | "resolve";
}

export async function startMilestone({ client, session, plan, ledger, id, config, now, targetSha, mode = "run" }: StartInput): Promise<void> {
  const r = ledger.milestones[id]!;
  const run = ledger.run!;
  const branch = `weave/${id}`;
  // Pinned at claim time: a token from a repository of the same name (renamed, recreated) never speaks for this run.
  run.repositoryId ??= await client.repositoryId();

  // A first start claims the branch outright (one call); only when it exists do we look at what is there.
  const fresh = r.attempts === 0 && r.state !== "stale" && (await client.createRef(`heads/${branch}`, targetSha));
  let sha = fresh ? targetSha : await client.branchSha(branch);
  if (!sha) {
    // A resumed milestone whose branch was deleted starts over from the target.
    if (!(await client.createRef(`heads/${branch}`, targetSha))) {
      r.reason = `${branch} changed while starting; looking again`;
      return;
    }
    sha = targetSha;
  }
  if (!fresh && r.attempts === 0 && r.state !== "stale") {
    // The branch exists but the ledger never started it: a lost response, a racing handler, or a leftover branch.
    const known = [...session.dispatches].find(([, d]) => d.milestone === id);
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
  if (!r.checkRunId) {
    r.checkRunId = await client.createCheckRun({
      name: checkRunName(id), head_sha: sha, status: "queued", external_id: id,
      output: { title: `queued — 0/${m.tasks.length} tasks`, summary: renderCheckSummary(m, r, now) },
    });
    session.checkRunShown.set(id, "queued/");
  }
  const dispatchId = `${run.id}.${id}.${r.attempts + 1}.${randomBytes(3).toString("hex")}`;
  session.dispatches.set(dispatchId, { milestone: id });
  // `mode` goes only to resolve jobs, so workflows written before it existed still take ordinary runs.
  const inputs: Record<string, string> = { milestone: id, dispatch_id: dispatchId, sha, app_url: config.publicUrl, ...(mode === "resolve" ? { mode } : {}) };
  let runId: number | undefined;
  try {
    runId = await client.dispatchWorkflow(config.workflowFile, await client.defaultBranch(), inputs);
  } catch (e) {
    // The request may have been carried out even though the answer was lost: look before trying again.
    runId = (await client.findRunByTitle(config.workflowFile, dispatchId))?.id;
    if (runId === undefined) {
      r.reason = `dispatch failed: ${(e as Error).message}`;
      session.dispatches.delete(dispatchId);
      return;
    }
  }
  session.dispatches.set(dispatchId, { milestone: id, runId });
  r.dispatchId = dispatchId;
  r.runId = runId;
  r.sha = sha;
  r.attempts += 1;
  r.startedAt = now.toISOString();
  r.lastHeartbeat = undefined;
  r.signal = undefined;
  r.resolving = mode === "resolve";
  moveRecord(id, r, "claimed", undefined);
  r.reason = undefined;
}

async function findLiveRun(client: RepoClient, config: AppConfig, id: string): Promise<{ id: number; dispatchId: string } | undefined> {
  const run = await client.findRunByTitle(config.workflowFile, `weave ${id} (`);
  if (!run || run.status === "completed") return undefined;
  const title = (await client.getRun(run.id))?.display_title ?? "";
  return { id: run.id, dispatchId: /\(([^)]+)\)/.exec(title)?.[1] ?? "" };
}
