/**
 * Actions records and their shapes: workflow runs and jobs as the REST API and the workflow_run/workflow_job
 * webhooks show them, built from GitHub's examples with the modelled fields replaced.
 * Not here: the lifecycle (actions-runner.ts). Invariant: a run has exactly one job per workflow job key.
 */
import type { ChildProcess } from "node:child_process";
import type { Shapes } from "./shapes.js";
import type { WebhookPayloads } from "./webhook-payloads.js";
import { iso, noreplyEmail } from "./world.js";
import type { RepoRecord, UserRecord } from "./world.js";

export type RunStatus = "queued" | "pending" | "in_progress" | "completed";
export type Conclusion = "success" | "failure" | "cancelled" | null;

export interface StepRecord { name: string; number: number; status: RunStatus; conclusion: Conclusion | "skipped"; startedAt: Date | null; completedAt: Date | null }
export interface JobRecord {
  id: number; runId: number; key: string; name: string; status: RunStatus; conclusion: Conclusion; createdAt: Date; startedAt: Date | null; completedAt: Date | null;
  steps: StepRecord[]; process: ChildProcess | undefined; workspace: string; env: Record<string, string>; outputs: Record<string, string>; summary: string; log: string;
}
export interface RunRecord {
  id: number; runNumber: number; attempt: number; repo: RepoRecord; workflowId: number; workflowPath: string; workflowName: string; displayTitle: string; headBranch: string; headSha: string;
  event: string; status: RunStatus; conclusion: Conclusion; actor: UserRecord; inputs: Record<string, string>; createdAt: Date; updatedAt: Date; startedAt: Date | null;
  concurrency: { group: string; cancelInProgress: boolean; queueMax?: boolean } | undefined; jobs: JobRecord[]; cancelRequested: "cancel" | "force" | "lost" | undefined; done: Promise<void>;
  /** For runs started by an event: GITHUB_REF and GITHUB_SHA (a pull request's merge ref and commit), the commit its
   * job check runs report on, and the event payload. Dispatched runs leave them unset (refs/heads/<branch>, headSha). */
  trigger?: { ref: string; sha: string; checkSha: string; payload: Record<string, unknown> };
  /** For dispatched runs: the `workflow_dispatch` payload GitHub writes to GITHUB_EVENT_PATH (inputs, ref, repository, sender…). */
  dispatchPayload?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

export function runShape(shapes: Shapes, run: RunRecord): Json {
  const url = `${shapes.api}/repos/${run.repo.fullName}/actions/runs/${run.id}`;
  const commit = { id: run.headSha, tree_id: run.headSha, message: run.workflowName, timestamp: iso(run.createdAt), author: { name: run.actor.login, email: noreplyEmail(run.actor) }, committer: { name: run.actor.login, email: noreplyEmail(run.actor) } };
  const repository = minimalRepo(shapes, run.repo);
  return shapes.example("workflow-run", {
    id: run.id, name: run.workflowName, node_id: Buffer.from(`WFR_${run.id}`).toString("base64"), check_suite_id: run.id + 2_000_000, check_suite_node_id: Buffer.from(`CS_${run.id}`).toString("base64"),
    head_branch: run.headBranch, head_sha: run.headSha, path: `${run.workflowPath}@${run.headBranch}`, run_number: run.runNumber, event: run.event, display_title: run.displayTitle,
    status: run.status, conclusion: run.conclusion, workflow_id: run.workflowId, url, html_url: `${shapes.server}/${run.repo.fullName}/actions/runs/${run.id}`, pull_requests: [],
    created_at: iso(run.createdAt), updated_at: iso(run.updatedAt), actor: shapes.user(run.actor), triggering_actor: shapes.user(run.actor), run_attempt: run.attempt, referenced_workflows: [],
    run_started_at: iso(run.startedAt ?? run.createdAt), jobs_url: `${url}/jobs`, logs_url: `${url}/logs`, check_suite_url: `${shapes.api}/repos/${run.repo.fullName}/check-suites/${run.id + 2_000_000}`,
    artifacts_url: `${url}/artifacts`, cancel_url: `${url}/cancel`, rerun_url: `${url}/rerun`, previous_attempt_url: null, workflow_url: `${shapes.api}/repos/${run.repo.fullName}/actions/workflows/${run.workflowId}`,
    head_commit: commit, repository, head_repository: repository,
  });
}

export function jobShape(shapes: Shapes, run: RunRecord, job: JobRecord): Json {
  return shapes.example("job", {
    id: job.id, run_id: run.id, run_url: `${shapes.api}/repos/${run.repo.fullName}/actions/runs/${run.id}`, run_attempt: run.attempt, node_id: Buffer.from(`J_${job.id}`).toString("base64"),
    head_sha: run.headSha, url: `${shapes.api}/repos/${run.repo.fullName}/actions/jobs/${job.id}`, html_url: `${shapes.server}/${run.repo.fullName}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status === "pending" ? "queued" : job.status, conclusion: job.conclusion, created_at: iso(job.createdAt), started_at: iso(job.startedAt ?? job.createdAt), completed_at: iso(job.completedAt), name: job.name,
    steps: job.steps.map((s) => ({ name: s.name, status: s.status === "pending" ? "queued" : s.status, conclusion: s.conclusion, number: s.number, started_at: iso(s.startedAt), completed_at: iso(s.completedAt) })),
    check_run_url: `${shapes.api}/repos/${run.repo.fullName}/check-runs/${job.id}`, labels: ["ubuntu-latest"], runner_id: job.startedAt === null ? null : 1,
    runner_name: job.startedAt === null ? null : "GitHub Actions 1", runner_group_id: job.startedAt === null ? null : 1, runner_group_name: job.startedAt === null ? null : "GitHub Actions",
    workflow_name: run.workflowName, head_branch: run.headBranch,
  });
}

export function workflowRunPayload(shapes: Shapes, payloads: WebhookPayloads, run: RunRecord, action: string): Json {
  const example = payloads.example("workflow_run", action === "in_progress" ? "requested" : action);
  const rest = runShape(shapes, run);
  const workflowRun = { ...(example.workflow_run as Json), ...rest, repository: rest.repository, head_repository: rest.head_repository };
  const workflow = { ...(example.workflow as Json), id: run.workflowId, name: run.workflowName, path: run.workflowPath, state: "active", url: rest.workflow_url, html_url: `${shapes.server}/${run.repo.fullName}/blob/${run.headBranch}/${run.workflowPath}`, badge_url: `${shapes.server}/${run.repo.fullName}/workflows/${encodeURIComponent(run.workflowName)}/badge.svg` };
  return payloads.base("workflow_run", action, run.repo, run.actor, { workflow_run: workflowRun, workflow });
}

export function workflowJobPayload(shapes: Shapes, payloads: WebhookPayloads, run: RunRecord, job: JobRecord, action: string): Json {
  const example = payloads.example("workflow_job", action);
  const rest = jobShape(shapes, run, job);
  const workflowJob = { ...(example.workflow_job as Json), ...rest, status: action === "in_progress" ? "in_progress" : action === "queued" ? "queued" : "completed" };
  return payloads.base("workflow_job", action, run.repo, run.actor, { workflow_job: workflowJob, deployment: undefined });
}

function minimalRepo(shapes: Shapes, repo: RepoRecord): Json {
  const full = shapes.repository(repo);
  const keep = ["id", "node_id", "name", "full_name", "owner", "private", "html_url", "description", "fork", "url", "archive_url", "assignees_url", "blobs_url", "branches_url", "collaborators_url", "comments_url", "commits_url", "compare_url", "contents_url", "contributors_url", "deployments_url", "downloads_url", "events_url", "forks_url", "git_commits_url", "git_refs_url", "git_tags_url", "git_url", "issue_comment_url", "issue_events_url", "issues_url", "keys_url", "labels_url", "languages_url", "merges_url", "milestones_url", "notifications_url", "pulls_url", "releases_url", "ssh_url", "stargazers_url", "statuses_url", "subscribers_url", "subscription_url", "tags_url", "teams_url", "trees_url", "hooks_url"];
  return Object.fromEntries(keep.filter((k) => k in full).map((k) => [k, full[k]]));
}
