/**
 * Check run routes, and the clicks a person makes on them (button → `requested_action`, "Re-run" → `rerequested`).
 * Responsibilities: GitHub's rules — only Apps create check runs; only the creating App updates one (403);
 * at most 3 actions, label ≤ 20, description ≤ 40, identifier ≤ 20 chars; summary/text ≤ 65,535 chars;
 * `requested_action` and `rerequested` go to the creating App only; a completed run lets auto-merge and the merge queue look again.
 * Also the check runs GitHub Actions reports for the jobs of event-started runs (jobCheckRuns: owned by the
 * github-actions App, sender github-actions[bot]). Not here: check suites (not modelled).
 */
import type { RouteContext, RouteTable, Services } from "../route-types.js";
import { num, page, str } from "../route-types.js";
import { HttpError, notFound, validationFailed } from "../world.js";
import type { CheckRunRecord, RepoRecord, UserRecord } from "../world.js";

function checkOutput(ctx: RouteContext, run: CheckRunRecord): void {
  const output = ctx.body.output as { title?: string; summary?: string; text?: string; annotations?: unknown[] } | undefined;
  if (output !== undefined) {
    for (const field of ["summary", "text"] as const) {
      const value = output[field];
      if (value !== undefined && value.length > 65535) throw validationFailed("Invalid request.", [{ resource: "CheckRun", field: `output.${field}`, code: "custom", message: `Only 65535 characters are allowed; ${value.length} were supplied.` }]);
    }
    if ((output.annotations?.length ?? 0) > 50) throw validationFailed("Invalid request.\n\nOnly 50 annotations are allowed per request.");
    run.output = { title: output.title ?? run.output.title, summary: output.summary ?? run.output.summary, text: output.text ?? run.output.text, annotations_count: run.output.annotations_count + (output.annotations?.length ?? 0) };
  }
  const actions = ctx.body.actions as CheckRunRecord["actions"] | undefined;
  if (actions !== undefined) {
    if (actions.length > 3) throw validationFailed("Invalid request.\n\nOnly 3 actions are allowed.");
    for (const a of actions) {
      if (a.label.length > 20 || a.description.length > 40 || a.identifier.length > 20) throw validationFailed("Invalid request.\n\nAction label ≤ 20, description ≤ 40 and identifier ≤ 20 characters.");
    }
    run.actions = actions;
  }
  for (const field of ["name", "details_url", "external_id"] as const) {
    const value = ctx.body[field];
    if (typeof value !== "string") continue;
    if (field === "name") run.name = value;
    else if (field === "details_url") run.detailsUrl = value;
    else run.externalId = value;
  }
  const status = ctx.body.status as string | undefined;
  const conclusion = ctx.body.conclusion as string | undefined;
  if (status === "completed" && conclusion === undefined && run.conclusion === null) throw validationFailed("Invalid request.\n\n`conclusion` is required when `status` is \"completed\".");
  if (conclusion !== undefined) { run.conclusion = conclusion; run.status = "completed"; }
  else if (status !== undefined) run.status = status;
  if (run.status === "completed") run.completedAt = typeof ctx.body.completed_at === "string" ? new Date(ctx.body.completed_at) : run.completedAt ?? ctx.world.now();
  if (typeof ctx.body.started_at === "string") run.startedAt = new Date(ctx.body.started_at);
}

function emitCheck(services: Services, repo: RepoRecord, run: CheckRunRecord, action: string, sender: UserRecord, extra: Record<string, unknown> = {}, onlyCreator = false): void {
  const payload = services.payloads.base("check_run", action, repo, sender, { check_run: checkRunPayload(services, repo, run), ...extra });
  services.webhooks.emit("check_run", action, () => payload, { repo, ...(onlyCreator ? { onlyApp: run.app } : {}) });
}

function checkRunPayload(services: Services, repo: RepoRecord, run: CheckRunRecord): Record<string, unknown> {
  const example = services.payloads.example("check_run", "completed").check_run as Record<string, unknown>;
  const shaped = services.shapes.checkRun(repo, run);
  const suite = { ...(example.check_suite as Record<string, unknown>), id: run.id + 1_000_000, head_sha: run.headSha, app: shaped.app, pull_requests: shaped.pull_requests, status: run.status, conclusion: run.conclusion };
  // Webhook check runs carry strings where REST has nulls (GitHub sends "" and the html URL).
  return { ...example, ...shaped, details_url: run.detailsUrl ?? shaped.html_url, external_id: run.externalId ?? "", check_suite: suite };
}

/** The check runs of Actions jobs: created in progress, completed with the job's conclusion, with their webhooks. */
export function jobCheckRuns(services: Services): { start(repo: RepoRecord, headSha: string, name: string): CheckRunRecord; finish(repo: RepoRecord, check: CheckRunRecord, conclusion: string): void } {
  const sender = (): UserRecord => services.world.user("github-actions[bot]", "Bot");
  return {
    start(repo, headSha, name) {
      const now = services.world.now();
      const run: CheckRunRecord = { id: services.world.id(), app: services.actionsApp, headSha, name, status: "in_progress", conclusion: null, externalId: null, detailsUrl: null, startedAt: now, completedAt: null, output: { title: null, summary: null, text: null, annotations_count: 0 }, actions: [] };
      repo.checkRuns.set(run.id, run);
      emitCheck(services, repo, run, "created", sender());
      return run;
    },
    finish(repo, run, conclusion) {
      Object.assign(run, { status: "completed", conclusion, completedAt: services.world.now() });
      emitCheck(services, repo, run, "completed", sender());
      services.automation.checkCompleted(repo, run.headSha);
    },
  };
}

function runOf(repo: RepoRecord, ctx: RouteContext): CheckRunRecord {
  const run = repo.checkRuns.get(num(ctx, "check_run_id"));
  if (run === undefined) throw notFound();
  return run;
}

export const checkRoutes: RouteTable = {
  "checks/create": async (ctx) => {
    const repo = ctx.repo("checks", "write");
    const app = ctx.app();
    if (app === undefined) throw new HttpError(403, "You must authenticate via a GitHub App.");
    const headSha = str(ctx, "head_sha");
    if ((await repo.git.objectType(headSha)) !== "commit") throw validationFailed(`No commit found for SHA: ${headSha}`);
    const run: CheckRunRecord = { id: ctx.world.id(), app, headSha, name: str(ctx, "name"), status: "queued", conclusion: null, externalId: null, detailsUrl: null, startedAt: ctx.world.now(), completedAt: null, output: { title: null, summary: null, text: null, annotations_count: 0 }, actions: [] };
    checkOutput(ctx, run);
    repo.checkRuns.set(run.id, run);
    emitCheck(ctx, repo, run, "created", ctx.actor());
    if (run.status === "completed") { emitCheck(ctx, repo, run, "completed", ctx.actor()); ctx.automation.checkCompleted(repo, run.headSha); }
    return { status: 201, body: ctx.shapes.checkRun(repo, run) };
  },

  "checks/update": (ctx) => {
    const repo = ctx.repo("checks", "write");
    const run = runOf(repo, ctx);
    const app = ctx.app();
    if (app === undefined || app.id !== run.app.id) throw new HttpError(403, `Invalid app_id \`${app?.id ?? "none"}\` - check run can only be modified by its creator (app ${run.app.id}).`);
    const wasCompleted = run.status === "completed";
    checkOutput(ctx, run);
    if (!wasCompleted && run.status === "completed") { emitCheck(ctx, repo, run, "completed", ctx.actor()); ctx.automation.checkCompleted(repo, run.headSha); }
    return { status: 200, body: ctx.shapes.checkRun(repo, run) };
  },

  "checks/get": (ctx) => {
    const repo = ctx.repo("checks", "read");
    return { status: 200, body: ctx.shapes.checkRun(repo, runOf(repo, ctx)) };
  },

  "checks/list-for-ref": async (ctx) => {
    const repo = ctx.repo("checks", "read");
    const sha = await repo.git.resolveCommit(str(ctx, "ref"));
    if (sha === undefined) throw new HttpError(422, `No commit found for SHA: ${str(ctx, "ref")}`);
    const { check_name: name, status, app_id: appId } = ctx.params;
    let runs = [...repo.checkRuns.values()].filter((r) => r.headSha === sha && (name === undefined || r.name === name) && (status === undefined || r.status === status) && (appId === undefined || r.app.id === appId));
    if (ctx.params.filter !== "all") runs = runs.filter((r) => !runs.some((o) => o.name === r.name && o.app.id === r.app.id && o.id > r.id));
    runs.sort((a, b) => b.id - a.id);
    return { status: 200, body: { total_count: runs.length, check_runs: page(ctx, runs).map((r) => ctx.shapes.checkRun(repo, r)) } };
  },
};

/** A person clicks a check run button: GitHub sends `requested_action` to the creating App only. */
export function requestCheckAction(services: Services, repo: RepoRecord, checkRunId: number, identifier: string, user: UserRecord): void {
  const run = repo.checkRuns.get(checkRunId);
  if (run === undefined) throw new Error(`no check run ${checkRunId} in ${repo.fullName}`);
  if (run.status !== "completed") throw new Error(`check run ${checkRunId} is ${run.status}: GitHub shows buttons only on completed check runs`);
  if (!run.actions.some((a) => a.identifier === identifier)) throw new Error(`check run ${checkRunId} has no button '${identifier}'`);
  emitCheck(services, repo, run, "requested_action", user, { requested_action: { identifier } }, true);
}

/** A person clicks "Re-run": GitHub sends `rerequested` to the creating App only. */
export function rerequestCheckRun(services: Services, repo: RepoRecord, checkRunId: number, user: UserRecord): void {
  const run = repo.checkRuns.get(checkRunId);
  if (run === undefined) throw new Error(`no check run ${checkRunId} in ${repo.fullName}`);
  emitCheck(services, repo, run, "rerequested", user, {}, true);
}
