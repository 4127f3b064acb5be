/**
 * Workflow run and job events (`workflow_run.completed`, `workflow_job.completed`): a worker run ended.
 * Responsibilities: record that a run weave knows of completed (with its conclusion), then reconcile — after a grace
 * of a second, so a job's final heartbeat, sent just before its run ended, is heard before the job is called dead.
 * Not here: telling a dead job from one that reported (github/run-watch.ts).
 * Invariants: runs weave does not know (not in the ledger, not a dispatch of this process) are ignored.
 */
import type { Context } from "probot";
import type { RepoSession } from "../repo-session.js";
import type { AppRuntime } from "./app-runtime.js";

/** How long a completed run's last heartbeat is waited for before the reconcile looks at it. */
export const COMPLETED_RUN_GRACE_MS = 1000;

export function onWorkflowRun(rt: AppRuntime): (context: Context<"workflow_run.completed">) => Promise<void> {
  return async (context) => {
    const session = rt.sessionOf(context.payload, context.octokit);
    if (session) runCompleted(rt, session, context.payload.workflow_run.id, context.payload.workflow_run.conclusion);
  };
}

export function onWorkflowJob(rt: AppRuntime): (context: Context<"workflow_job.completed">) => Promise<void> {
  return async (context) => {
    const session = rt.sessionOf(context.payload, context.octokit);
    if (session) runCompleted(rt, session, context.payload.workflow_job.run_id, context.payload.workflow_job.conclusion);
  };
}

function runCompleted(rt: AppRuntime, session: RepoSession, runId: number, conclusion: string | null): void {
  const known = Object.values(session.ledgers.latest?.milestones ?? {}).some((r) => r.runId === runId) || [...session.dispatchBook.pending.values()].some((d) => d.runId === runId);
  if (!known) return;
  // A job that reported its end has a final heartbeat; give a late one a moment before calling the job dead.
  setTimeout(() => {
    session.inbox.completedRuns.set(runId, conclusion ?? "unknown");
    void rt.reconcile(session, "heartbeat");
  }, COMPLETED_RUN_GRACE_MS).unref();
}
