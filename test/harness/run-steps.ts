/**
 * Run steps: a job of an event-started run (or a dispatched job that uses no action) as a runner runs it — each step in
 * order: `actions/checkout` checks out the run's ref (a pull request's merge ref, a merge group, the pushed branch, or
 * `with: ref`), `run:` scripts run with `sh -e` (their `${{ }}` evaluated first), `GITHUB_ENV` exports reach later
 * steps; the first failing step fails the job. Not modelled: other `uses:` steps (skipped, logged), `if:` (the job fails
 * and the stand-in lists it), `shell:`, `working-directory`. Not here: the run lifecycle and check runs (actions-runner.ts).
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import type { JobRecord, RunRecord } from "./actions-shapes.js";
import { jobEnvironment, jobStep } from "./job-environment.js";
import { checkoutRef, parseFileCommand, spawnShell } from "./job-process.js";
import type { JobDirs } from "./job-process.js";
import type { OidcIssuer } from "./oidc.js";
import type { Shapes } from "./shapes.js";
import { ExpressionError, interpolate } from "./workflow-file.js";
import type { Job, Workflow } from "./workflow-file.js";
import type { AccessLevel } from "./world.js";

/** A job runs its steps when none of them uses an action other than GitHub's own (`actions/*`). */
export const runsItsSteps = (job: Job): boolean => !(job.steps ?? []).some((s) => s.uses !== undefined && !s.uses.startsWith("actions/"));

export interface StepsInput {
  run: RunRecord; job: JobRecord; workflow: Workflow; jobSpec: Job; dirs: JobDirs; context: Record<string, unknown>; token: string;
  shapes: Shapes; oidc: OidcIssuer; permissions: Record<string, AccessLevel>; cloneUrl: string;
  cancelled: () => boolean; spawned: (child: ChildProcess | undefined) => void;
}

/** Runs the job's steps; resolves with the exit code of the last step run (0 when all passed, null when killed). */
export async function runJobSteps(input: StepsInput): Promise<number | null> {
  const { run, job, workflow, jobSpec, dirs, context, token } = input;
  const prepared = jobEnvironment({ run, job, workflow, jobSpec: { ...jobSpec, steps: [] }, dirs, entry: { main: "", inputDefaults: {} }, context, shapes: input.shapes, oidc: input.oidc, permissions: input.permissions });
  const ref = run.trigger?.ref ?? `refs/heads/${run.headBranch}`;
  const sha = run.trigger?.sha ?? run.headSha;
  const base: Record<string, string> = { ...prepared.env, GITHUB_REF: ref, GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ""), GITHUB_SHA: sha, GITHUB_WORKSPACE: dirs.workspace };
  if (run.trigger !== undefined && ref.startsWith("refs/pull/")) Object.assign(base, { GITHUB_HEAD_REF: run.headBranch, GITHUB_BASE_REF: String((run.trigger.payload.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref ?? "") });
  jobStep(job, "Set up job", "success", new Date());
  let exported: Record<string, string> = {};
  try {
    for (const [index, step] of (jobSpec.steps ?? []).entries()) {
      if (input.cancelled()) return 1;
      const started = new Date();
      const name = step.name ?? (step.uses !== undefined ? `Run ${step.uses}` : `Run ${String(step.run ?? "").split("\n")[0] ?? ""}`);
      if ("if" in step) throw new ExpressionError(`the stand-in does not evaluate step conditions (if: ${String((step as { if?: unknown }).if)})`);
      if (step.uses !== undefined) {
        if (step.uses.startsWith("actions/checkout@")) {
          const wanted = step.with?.ref === undefined ? ref : interpolate(step.with.ref, context);
          await checkoutRef(input.cloneUrl, wanted.startsWith("refs/") || /^[0-9a-f]{40}$/.test(wanted) ? wanted : `refs/heads/${wanted}`, token, dirs);
        } else {
          job.log += `(the stand-in skips ${step.uses})\n`;
        }
        jobStep(job, name, "success", started);
        continue;
      }
      const env: Record<string, string> = { ...base, ...exported, GITHUB_ACTION: step.id ?? `__run${index === 0 ? "" : `_${index + 1}`}` };
      for (const layer of [step.env ?? {}]) for (const [key, value] of Object.entries(layer)) env[key] = interpolate(value, { ...context, env });
      const script = interpolate(step.run, { ...context, env });
      await mkdir(dirs.workspace, { recursive: true });
      const spawned = spawnShell(script, env, dirs.workspace, (text) => { job.log += text; });
      input.spawned(spawned.child);
      const { code } = await spawned.exited;
      input.spawned(undefined);
      jobStep(job, name, code === 0 ? "success" : "failure", started);
      if (code !== 0) return code;
      exported = { ...exported, ...parseFileCommand(await readFile(dirs.files.env, "utf8")) };
    }
  } finally {
    if (prepared.requestToken !== undefined) input.oidc.revoke(prepared.requestToken);
  }
  return 0;
}
