/**
 * Job environment: exactly the variables a GitHub-hosted runner gives a node action step.
 * Responsibilities: pick the workflow step that runs the action (the first `uses:` that is not `actions/*`),
 * evaluate its `with:` into INPUT_* (action.yml defaults first) and `env:` (workflow → job → step), set GITHUB_*,
 * RUNNER_*, file-command paths, and ACTIONS_ID_TOKEN_REQUEST_* when the job may write `id-token`.
 * Not here: spawning (job-process.ts). Invariants: the host's environment does not leak in beyond PATH and locale.
 */
import type { JobRecord, RunRecord } from "./actions-shapes.js";
import type { ActionEntry, JobDirs } from "./job-process.js";
import { inputVariable } from "./job-process.js";
import type { OidcIssuer } from "./oidc.js";
import type { Shapes } from "./shapes.js";
import { interpolate } from "./workflow-file.js";
import type { Job, Workflow } from "./workflow-file.js";
import type { AccessLevel } from "./world.js";

/** Every variable the stand-in's runner sets (GitHub's documented defaults plus the action runtime's). */
export const RUNNER_VARIABLES = [
  "CI", "GITHUB_ACTION", "GITHUB_ACTION_PATH", "GITHUB_ACTION_REPOSITORY", "GITHUB_ACTIONS", "GITHUB_ACTOR", "GITHUB_ACTOR_ID", "GITHUB_API_URL", "GITHUB_BASE_REF",
  "GITHUB_ENV", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_GRAPHQL_URL", "GITHUB_HEAD_REF", "GITHUB_JOB", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_REF",
  "GITHUB_REF_NAME", "GITHUB_REF_PROTECTED", "GITHUB_REF_TYPE", "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_ID", "GITHUB_REPOSITORY_OWNER", "GITHUB_REPOSITORY_OWNER_ID",
  "GITHUB_RETENTION_DAYS", "GITHUB_RUN_ATTEMPT", "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_SERVER_URL", "GITHUB_SHA", "GITHUB_STATE", "GITHUB_STEP_SUMMARY",
  "GITHUB_TRIGGERING_ACTOR", "GITHUB_WORKFLOW", "GITHUB_WORKFLOW_REF", "GITHUB_WORKFLOW_SHA", "GITHUB_WORKSPACE", "RUNNER_ARCH", "RUNNER_ENVIRONMENT", "RUNNER_NAME",
  "RUNNER_OS", "RUNNER_TEMP", "RUNNER_TOOL_CACHE", "ACTIONS_RUNTIME_URL", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL", "HOME",
] as const;

export interface JobEnvironmentInput {
  run: RunRecord; job: JobRecord; workflow: Workflow; jobSpec: Job; dirs: JobDirs; entry: ActionEntry; context: Record<string, unknown>;
  shapes: Shapes; oidc: OidcIssuer; permissions: Record<string, AccessLevel>;
}

export function jobEnvironment(input: JobEnvironmentInput): { env: Record<string, string>; uses: string; requestToken: string | undefined } {
  const { run, job, workflow, jobSpec, dirs, entry, context, shapes, oidc, permissions } = input;
  const steps = jobSpec.steps ?? [];
  const step = steps.find((s) => s.uses !== undefined && !s.uses.startsWith("actions/")) ?? steps.find((s) => s.uses !== undefined) ?? { uses: "./" };
  const uses = step.uses ?? "./";
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: process.env.LANG ?? "C.UTF-8" };
  for (const layer of [workflow.env, jobSpec.env ?? {}, step.env ?? {}]) {
    for (const [name, value] of Object.entries(layer)) env[name] = interpolate(value, { ...context, env });
  }
  for (const [name, value] of Object.entries(entry.inputDefaults)) env[inputVariable(name)] = interpolate(value, context);
  for (const [name, value] of Object.entries(step.with ?? {})) env[inputVariable(name)] = interpolate(value, context);
  const ref = `refs/heads/${run.headBranch}`;
  const workflowRef = `${run.repo.fullName}/${workflow.path}@${ref}`;
  Object.assign(env, {
    CI: "true", HOME: dirs.home, GITHUB_ACTIONS: "true", GITHUB_ACTION: step.id ?? "__run", GITHUB_ACTION_PATH: uses.startsWith("./") ? dirs.workspace : "",
    GITHUB_ACTION_REPOSITORY: uses.startsWith("./") ? "" : uses.split("@")[0] ?? "", GITHUB_ACTOR: run.actor.login, GITHUB_ACTOR_ID: String(run.actor.id),
    GITHUB_TRIGGERING_ACTOR: run.actor.login, GITHUB_API_URL: shapes.api, GITHUB_GRAPHQL_URL: `${shapes.api}/graphql`, GITHUB_SERVER_URL: shapes.server,
    GITHUB_BASE_REF: "", GITHUB_HEAD_REF: "", GITHUB_EVENT_NAME: run.event, GITHUB_EVENT_PATH: dirs.files.event, GITHUB_JOB: job.key,
    GITHUB_ENV: dirs.files.env, GITHUB_OUTPUT: dirs.files.output, GITHUB_PATH: dirs.files.path, GITHUB_STATE: dirs.files.state, GITHUB_STEP_SUMMARY: dirs.files.summary,
    GITHUB_REF: ref, GITHUB_REF_NAME: run.headBranch, GITHUB_REF_PROTECTED: "false", GITHUB_REF_TYPE: "branch", GITHUB_REPOSITORY: run.repo.fullName,
    GITHUB_REPOSITORY_ID: String(run.repo.id), GITHUB_REPOSITORY_OWNER: run.repo.owner.login, GITHUB_REPOSITORY_OWNER_ID: String(run.repo.owner.id), GITHUB_RETENTION_DAYS: "90",
    GITHUB_RUN_ATTEMPT: String(run.attempt), GITHUB_RUN_ID: String(run.id), GITHUB_RUN_NUMBER: String(run.runNumber), GITHUB_SHA: run.headSha,
    GITHUB_WORKFLOW: run.workflowName, GITHUB_WORKFLOW_REF: workflowRef, GITHUB_WORKFLOW_SHA: run.headSha, GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_ARCH: "X64", RUNNER_ENVIRONMENT: "github-hosted", RUNNER_NAME: "GitHub Actions 1", RUNNER_OS: "Linux", RUNNER_TEMP: dirs.temp, RUNNER_TOOL_CACHE: `${dirs.root}/tool-cache`,
    ACTIONS_RUNTIME_URL: `${shapes.api}/_runtime/`, ACTIONS_RUNTIME_TOKEN: "stand-in-runtime-token", ACTIONS_CACHE_URL: `${shapes.api}/_cache/`, ACTIONS_RESULTS_URL: `${shapes.api}/_results/`,
  });
  let requestToken: string | undefined;
  if (permissions.id_token === "write") {
    requestToken = oidc.register({
      sub: `repo:${run.repo.fullName}:ref:${ref}`, repository: run.repo.fullName, repository_id: String(run.repo.id), repository_owner: run.repo.owner.login,
      repository_owner_id: String(run.repo.owner.id), repository_visibility: run.repo.private ? "private" : "public", run_id: String(run.id), run_number: String(run.runNumber),
      run_attempt: String(run.attempt), workflow: run.workflowName, workflow_ref: workflowRef, workflow_sha: run.headSha, job_workflow_ref: workflowRef, job_workflow_sha: run.headSha,
      ref, ref_type: "branch", ref_protected: "false", sha: run.headSha, actor: run.actor.login, actor_id: String(run.actor.id), event_name: run.event, head_ref: "", base_ref: "",
      runner_environment: "github-hosted",
    });
    env.ACTIONS_ID_TOKEN_REQUEST_URL = `${shapes.api}/_runner/id-token?api-version=2.0`;
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = requestToken;
  }
  return { env, uses, requestToken };
}

export function jobStep(job: JobRecord, name: string, conclusion: "success" | "failure", startedAt: Date): void {
  job.steps.push({ name, number: job.steps.length + 1, status: "completed", conclusion, startedAt, completedAt: new Date() });
}
