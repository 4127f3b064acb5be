/**
 * Actions routes: workflow dispatch (with `return_run_details`), runs and jobs (list/get), cancel and force-cancel.
 * Not here: what a run does (actions-runner.ts), run/job shapes (actions-shapes.ts).
 * Invariants: dispatch answers 204, or 200 with the run id when `return_run_details` is true (not on GHES: quirks.ts);
 * runs reach the lists only after the configured lag; cancel answers 202,
 * or 409 for a completed run.
 */
import { jobShape, runShape } from "../actions-shapes.js";
import type { RunRecord } from "../actions-shapes.js";
import type { RouteContext, RouteTable } from "../route-types.js";
import { num, page, str } from "../route-types.js";
import { notFound } from "../world.js";
import type { RepoRecord } from "../world.js";

function runOf(ctx: RouteContext, repo: RepoRecord): RunRecord {
  const run = ctx.runner.runs.get(num(ctx, "run_id"));
  if (run === undefined || run.repo !== repo) throw notFound();
  return run;
}

function listRuns(ctx: RouteContext, repo: RepoRecord, workflowPath?: string): { status: number; body: unknown } {
  const { branch, event, status, actor, head_sha: headSha } = ctx.params;
  const runs = [...ctx.runner.runs.values()].filter((r) => r.repo === repo && (workflowPath === undefined || r.workflowPath === workflowPath)
    && (branch === undefined || r.headBranch === branch) && (event === undefined || r.event === event) && (actor === undefined || r.actor.login === actor)
    && (headSha === undefined || r.headSha === headSha) && (status === undefined || r.status === status || r.conclusion === status) && ctx.quirks.listed(r.createdAt)).sort((a, b) => b.id - a.id);
  return { status: 200, body: { total_count: runs.length, workflow_runs: page(ctx, runs).map((r) => runShape(ctx.shapes, r)) } };
}

export const actionRoutes: RouteTable = {
  "actions/create-workflow-dispatch": async (ctx) => {
    const repo = ctx.repo("actions", "write");
    const inputs = (ctx.body.inputs as Record<string, unknown> | undefined) ?? {};
    const run = await ctx.runner.dispatch(repo, str(ctx, "workflow_id"), str(ctx, "ref"), inputs, ctx.actor());
    if (ctx.body.return_run_details !== true || !ctx.quirks.dispatchRunDetails) return { status: 204 };
    return { status: 200, body: { workflow_run_id: run.id, run_url: `${ctx.shapes.api}/repos/${repo.fullName}/actions/runs/${run.id}`, html_url: `${ctx.shapes.server}/${repo.fullName}/actions/runs/${run.id}` } };
  },

  "actions/list-workflow-runs-for-repo": (ctx) => listRuns(ctx, ctx.repo("actions", "read")),

  "actions/list-workflow-runs": async (ctx) => {
    const repo = ctx.repo("actions", "read");
    const sha = await repo.git.resolveCommit(repo.defaultBranch);
    const workflow = sha === undefined ? undefined : await ctx.runner.readWorkflow(repo, str(ctx, "workflow_id"), sha);
    if (workflow === undefined) throw notFound();
    return listRuns(ctx, repo, workflow.path);
  },

  "actions/get-workflow-run": (ctx) => {
    const repo = ctx.repo("actions", "read");
    return { status: 200, body: runShape(ctx.shapes, runOf(ctx, repo)) };
  },

  "actions/list-jobs-for-workflow-run": (ctx) => {
    const repo = ctx.repo("actions", "read");
    const run = runOf(ctx, repo);
    return { status: 200, body: { total_count: run.jobs.length, jobs: page(ctx, run.jobs).map((j) => jobShape(ctx.shapes, run, j)) } };
  },

  "actions/get-job-for-workflow-run": (ctx) => {
    const repo = ctx.repo("actions", "read");
    const run = [...ctx.runner.runs.values()].find((r) => r.repo === repo && r.jobs.some((j) => j.id === num(ctx, "job_id")));
    const job = run?.jobs.find((j) => j.id === num(ctx, "job_id"));
    if (run === undefined || job === undefined) throw notFound();
    return { status: 200, body: jobShape(ctx.shapes, run, job) };
  },

  "actions/cancel-workflow-run": (ctx) => {
    const repo = ctx.repo("actions", "write");
    ctx.runner.cancel(runOf(ctx, repo), "cancel");
    return { status: 202, body: {} };
  },

  "actions/force-cancel-workflow-run": (ctx) => {
    const repo = ctx.repo("actions", "write");
    ctx.runner.cancel(runOf(ctx, repo), "force");
    return { status: 202, body: {} };
  },
};
