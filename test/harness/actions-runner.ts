/**
 * Actions runner: `workflow_dispatch` → run → one job whose action step is a real node process.
 * Responsibilities: dispatch checks (workflow-file.ts), `concurrency` groups (one running, one pending, cancel-in-progress),
 * the job lifecycle with workflow_run/workflow_job events, GITHUB_TOKEN and OIDC per job, `post` after main (also on
 * cancel), and cancellation: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that (times scaled by `timeScale`).
 * Not here: process plumbing (job-process.ts), REST shapes (actions-shapes.ts). Not modelled: `run:` steps, matrices, several jobs per run.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintToken } from "./auth.js";
import { workflowJobPayload, workflowRunPayload } from "./actions-shapes.js";
import type { Conclusion, JobRecord, RunRecord } from "./actions-shapes.js";
import { cloneWorkspace, makeJobDirs, parseFileCommand, spawnStep } from "./job-process.js";
import type { ActionEntry } from "./job-process.js";
import { jobEnvironment, jobStep } from "./job-environment.js";
import type { OidcIssuer } from "./oidc.js";
import type { Shapes } from "./shapes.js";
import type { WebhookPayloads } from "./webhook-payloads.js";
import type { WebhookBus } from "./webhooks.js";
import { interpolate, parseWorkflow, resolveInputs, tokenPermissions } from "./workflow-file.js";
import type { Job, Workflow } from "./workflow-file.js";
import { HttpError, notFound, validationFailed } from "./world.js";
import type { AccessLevel, CheckRunRecord, RepoRecord, UserRecord, World } from "./world.js";
import { eventRunSpec } from "./event-runs.js";
import type { EventRunSpec } from "./event-runs.js";
import { startsOn } from "./workflow-file.js";
import { runJobSteps, runsItsSteps } from "./run-steps.js";

/** The check run GitHub Actions reports for each job of an event-started run (owned by the github-actions App). */
export interface JobChecks {
  start(repo: RepoRecord, headSha: string, name: string): CheckRunRecord;
  finish(repo: RepoRecord, check: CheckRunRecord, conclusion: "success" | "failure" | "cancelled"): void;
}
export interface RunnerDeps { world: World; shapes: Shapes; payloads: WebhookPayloads; webhooks: WebhookBus; oidc: OidcIssuer; report: (message: string) => void; checks: () => JobChecks }
export interface RunnerOptions { entry: () => Promise<ActionEntry>; timeScale: number; tokenPermissions: Record<string, AccessLevel> }

export class ActionsRunner {
  readonly runs = new Map<number, RunRecord>();
  private readonly workflowIds = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private root: string | undefined;
  private readonly runNumbers = new Map<string, number>();
  private readonly finishers = new Map<number, () => void>();
  private readonly starters = new Map<number, () => void>();
  private readonly starting = new Set<Promise<void>>();
  private readonly holds = new Map<string, { released: Promise<void>; release: () => void }>();
  private closed = false;

  constructor(private readonly deps: RunnerDeps, private readonly options: RunnerOptions) {}

  workflowId(repo: RepoRecord, path: string): number {
    const key = `${repo.fullName}:${path}`;
    let id = this.workflowIds.get(key);
    if (id === undefined) { id = this.deps.world.id(); this.workflowIds.set(key, id); }
    return id;
  }

  async readWorkflow(repo: RepoRecord, workflowId: string, sha: string): Promise<Workflow> {
    const numeric = [...this.workflowIds.entries()].find(([key, id]) => String(id) === workflowId && key.startsWith(`${repo.fullName}:`));
    const path = numeric !== undefined ? numeric[0].slice(repo.fullName.length + 1) : `.github/workflows/${workflowId}`;
    const [entry] = await repo.git.lsTree(sha, { path });
    if (entry === undefined) throw notFound();
    return parseWorkflow(path, (await repo.git.readBlob(entry.sha)).toString("utf8"));
  }

  async dispatch(repo: RepoRecord, workflowId: string, ref: string, given: Record<string, unknown>, actor: UserRecord): Promise<RunRecord> {
    const branch = ref.replace(/^refs\/(heads|tags)\//, "");
    const sha = await repo.git.resolveCommit(ref);
    if (sha === undefined) throw validationFailed(`No ref found for: ${ref}`);
    const workflow = await this.readWorkflow(repo, workflowId, sha);
    const inputs = resolveInputs(workflow, given);
    const [jobKey, jobSpec] = workflow.jobs[0] ?? [];
    if (jobKey === undefined || jobSpec === undefined) throw validationFailed(`Workflow ${workflow.path} has no jobs`);
    const run = this.newRun(repo, workflow, { event: "workflow_dispatch", branch, sha, actor, inputs });
    const dispatchPayload = this.deps.payloads.base("workflow_dispatch", undefined, repo, actor, { inputs, ref: `refs/heads/${branch}`, workflow: workflow.path });
    delete dispatchPayload.action;
    run.dispatchPayload = dispatchPayload;
    this.deps.webhooks.emit("workflow_dispatch", undefined, () => dispatchPayload, { repo });
    // A job that uses the configured action runs it (the weave worker); a job without one runs its `run:` steps.
    this.launch(run, workflow, runsItsSteps(jobSpec) ? workflow.jobs : [[jobKey, jobSpec]]);
    return run;
  }

  private newRun(repo: RepoRecord, workflow: Workflow, spec: { event: string; branch: string; sha: string; actor: UserRecord; inputs: Record<string, string> }): RunRecord {
    const now = this.deps.world.now();
    const runNumber = (this.runNumbers.get(`${repo.fullName}:${workflow.path}`) ?? 0) + 1;
    this.runNumbers.set(`${repo.fullName}:${workflow.path}`, runNumber);
    const run: RunRecord = {
      id: this.deps.world.id(), runNumber, attempt: 1, repo, workflowId: this.workflowId(repo, workflow.path), workflowPath: workflow.path, workflowName: workflow.name,
      displayTitle: workflow.name, headBranch: spec.branch, headSha: spec.sha, event: spec.event, status: "queued", conclusion: null, actor: spec.actor, inputs: spec.inputs, createdAt: now, updatedAt: now, startedAt: null,
      concurrency: undefined, jobs: [], cancelRequested: undefined, done: Promise.resolve(),
    };
    const context = this.context(run, workflow, "");
    if (workflow.runName !== undefined) run.displayTitle = interpolate(workflow.runName, context);
    if (workflow.concurrency !== undefined) run.concurrency = { group: interpolate(workflow.concurrency.group, context), cancelInProgress: workflow.concurrency.cancelInProgress, queueMax: workflow.concurrency.queueMax === true };
    return run;
  }

  private launch(run: RunRecord, workflow: Workflow, jobs: [string, Job][]): void {
    const now = this.deps.world.now();
    for (const [key, spec] of jobs) {
      run.jobs.push({ id: this.deps.world.id(), runId: run.id, key, name: spec.name ?? key, status: "queued", conclusion: null, createdAt: now, startedAt: null, completedAt: null, steps: [], process: undefined, workspace: "", env: {}, outputs: {}, summary: "", log: "" });
    }
    this.runs.set(run.id, run);
    this.emitRun(run, "requested");
    for (const job of run.jobs) this.emitJob(run, job, "queued");
    run.done = new Promise<void>((resolve) => this.finishers.set(run.id, resolve));
    const [first] = jobs;
    // A job that uses the configured action runs it, whatever started the run (weave's coordinator runs on events);
    // any other job runs its `run:` steps.
    const stepsMode = first === undefined || runsItsSteps(first[1]);
    this.starters.set(run.id, () => { void (stepsMode ? this.executeSteps(run, workflow, jobs) : this.execute(run, workflow, (first as [string, Job])[1])); });
    this.admitToGroup(run);
  }

  /** Each job in order: a check run named after it (github-actions App), a checkout, its `run:` steps with `sh`. */
  private async executeSteps(run: RunRecord, workflow: Workflow, jobs: [string, Job][]): Promise<void> {
    if (run.cancelRequested !== undefined) { await this.complete(run, run.cancelRequested === "lost" ? "failure" : "cancelled"); return; }
    const now = this.deps.world.now();
    Object.assign(run, { status: "in_progress", startedAt: now, updatedAt: now });
    this.emitRun(run, "in_progress");
    await this.gateOf(run);
    let overall: Conclusion = "success";
    for (const [index, [, jobSpec]] of jobs.entries()) {
      const job = run.jobs[index] as JobRecord;
      const check = this.deps.checks().start(run.repo, run.trigger?.checkSha ?? run.headSha, job.name);
      Object.assign(job, { status: "in_progress", startedAt: this.deps.world.now() });
      this.emitJob(run, job, "in_progress");
      const permissions = tokenPermissions(workflow.permissions, jobSpec.permissions, this.options.tokenPermissions);
      const token = mintToken(this.deps.world, { kind: "actions", repoFullName: run.repo.fullName, runId: run.id, permissions });
      let conclusion: Conclusion = "failure";
      try {
        this.root ??= await mkdtemp(join(tmpdir(), "weave-runner-"));
        const context = this.context(run, workflow, token.token);
        const dirs = await makeJobDirs(join(this.root, `run-${run.id}-${job.key}`), run.trigger?.payload ?? run.dispatchPayload ?? (context.github as { event: unknown }).event);
        job.workspace = dirs.workspace;
        const code = await runJobSteps({
          run, job, workflow, jobSpec, dirs, context, token: token.token, shapes: this.deps.shapes, oidc: this.deps.oidc, permissions,
          cloneUrl: `${this.deps.shapes.server}/${run.repo.fullName}.git`, cancelled: () => run.cancelRequested !== undefined,
          spawned: (child) => { job.process = child; },
        });
        conclusion = this.outcome(run, code);
      } catch (error) {
        job.log += `\n##[error]${String(error)}\n`;
        if (String(error).includes("stand-in does not evaluate") || String(error).includes("unknown context")) this.deps.report(`run ${run.id}: ${String(error)}`);
        conclusion = this.outcome(run, 1);
      } finally {
        job.process = undefined;
        this.deps.world.tokens.delete(token.token);
      }
      Object.assign(job, { status: "completed", conclusion, completedAt: this.deps.world.now() });
      this.emitJob(run, job, "completed");
      this.deps.checks().finish(run.repo, check, conclusion ?? "failure");
      if (conclusion !== "success") { overall = conclusion; break; }
    }
    await this.complete(run, overall);
  }

  /** Concurrency as GitHub keeps it: one run in progress per group, one pending that a newer run replaces (cancelled),
   * or with `queue: max` every pending run in order; `cancel-in-progress` cancels the running one. */
  private admitToGroup(run: RunRecord): void {
    const others = this.sameGroup(run);
    const blockers = others.filter((r) => r.status === "in_progress" || r.status === "queued");
    if (run.concurrency?.queueMax !== true) for (const pending of others.filter((r) => r.status === "pending")) this.cancel(pending, "cancel");
    if (blockers.length === 0 && !others.some((r) => r.status === "pending")) { this.begin(run); return; }
    run.status = "pending";
    if (run.concurrency?.cancelInProgress === true) for (const b of blockers) this.cancel(b, "cancel");
  }

  private begin(run: RunRecord): void {
    if (this.closed) return;
    run.status = "queued";
    const start = this.starters.get(run.id);
    this.starters.delete(run.id);
    if (start !== undefined) setImmediate(start);
  }

  /** A run of a group finished: the oldest pending run of that group starts. */
  private nextInGroup(done: RunRecord): void {
    if (done.concurrency === undefined) return;
    const group = this.sameGroup(done);
    if (group.some((r) => r.status === "in_progress" || r.status === "queued")) return;
    const [next] = group.filter((r) => r.status === "pending").sort((a, b) => a.id - b.id);
    if (next !== undefined) this.begin(next);
  }

  /** A webhook-worthy event happened on `repo`: start the workflows GitHub would start for it (event-runs.ts). */
  onEvent(repo: RepoRecord, event: string, action: string | undefined, payload: Record<string, unknown>): void {
    if (this.closed) return;
    const work = (async () => {
      const spec = await eventRunSpec(this.deps.world, repo, event, action, payload);
      if (spec !== undefined) await this.startForEvent(repo, spec);
    })().catch((error: unknown) => this.deps.report(`starting workflows for ${event}: ${String((error as Error).stack ?? error)}`));
    this.starting.add(work);
    void work.finally(() => this.starting.delete(work));
  }

  private async startForEvent(repo: RepoRecord, spec: EventRunSpec): Promise<void> {
    for (const entry of await repo.git.lsTree(spec.source, { path: ".github/workflows/" })) {
      if (entry.type !== "blob" || !/\.ya?ml$/.test(entry.path)) continue;
      let workflow: Workflow;
      try { workflow = parseWorkflow(entry.path, (await repo.git.readBlob(entry.sha)).toString("utf8")); } catch (error) { this.deps.report(`workflow ${entry.path} at ${spec.source}: ${String(error)}`); continue; }
      if (!startsOn(workflow, spec.event, spec.action, spec.filterBranch) || workflow.jobs.length === 0) continue;
      const run = this.newRun(repo, workflow, { event: spec.event, branch: spec.headBranch, sha: spec.checkSha, actor: spec.actor, inputs: {} });
      run.trigger = { ref: spec.ref, sha: spec.sha, checkSha: spec.checkSha, payload: spec.payload };
      this.launch(run, workflow, workflow.jobs);
    }
  }

  /** cancel: SIGINT → SIGTERM → SIGKILL, post runs; force: SIGKILL now, no post; lost: the runner dies (failure). */
  cancel(run: RunRecord, kind: "cancel" | "force" | "lost"): void {
    if (run.status === "completed") throw new HttpError(409, "Cannot cancel a workflow run that is completed.");
    run.cancelRequested ??= kind;
    if (kind !== "cancel") run.cancelRequested = kind;
    const job = run.jobs.find((j) => j.process !== undefined) ?? run.jobs[0];
    if (run.status === "pending" || run.status === "queued" || job?.process === undefined) {
      if (run.status === "pending") void this.complete(run, "cancelled");
      return;
    }
    const child = job.process;
    if (kind !== "cancel") { child.kill("SIGKILL"); return; }
    child.kill("SIGINT");
    const later = (ms: number, signal: NodeJS.Signals): void => {
      const timer = setTimeout(() => { this.timers.delete(timer); if (child.exitCode === null && child.signalCode === null) child.kill(signal); }, ms * this.options.timeScale);
      this.timers.add(timer);
    };
    later(7500, "SIGTERM");
    later(10000, "SIGKILL");
  }

  /**
   * A test's gate, not GitHub behaviour: runs of `workflowPath` that start from now on stay `in_progress` (setting up)
   * before their first step until `release()`, so a test can act while one is in flight without racing the clock.
   * Concurrency is untouched: later runs of its group wait as `pending` behind it. close() releases every gate.
   */
  hold(workflowPath: string): { release(): void } {
    if (this.holds.has(workflowPath)) throw new Error(`${workflowPath} is already held`);
    let release = (): void => {};
    const released = new Promise<void>((resolve) => { release = resolve; });
    const gate = { released, release: () => { if (this.holds.get(workflowPath) === gate) this.holds.delete(workflowPath); release(); } };
    this.holds.set(workflowPath, gate);
    return { release: gate.release };
  }

  /** Waits at the gate of the run's workflow, if a test holds it. */
  private async gateOf(run: RunRecord): Promise<void> {
    await this.holds.get(run.workflowPath)?.released;
  }

  async settled(): Promise<void> {
    while (this.starting.size > 0) await Promise.all([...this.starting]);
    while ([...this.runs.values()].some((r) => r.status !== "completed")) await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  /** No event is being turned into runs and every run has completed. */
  idle(): boolean {
    return this.starting.size === 0 && [...this.runs.values()].every((r) => r.status === "completed");
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const gate of [...this.holds.values()]) gate.release();
    while (this.starting.size > 0) await Promise.all([...this.starting]);
    for (const run of this.runs.values()) if (run.status !== "completed") run.cancelRequested = "force";
    for (const run of this.runs.values()) for (const job of run.jobs) job.process?.kill("SIGKILL");
    for (const run of this.runs.values()) {
      if (run.status === "pending") await this.complete(run, "cancelled");
      else if (run.status === "queued") run.cancelRequested = "force";
    }
    await Promise.all([...this.runs.values()].map((r) => r.done));
    for (const timer of this.timers) clearTimeout(timer);
    if (this.root !== undefined) await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }

  private sameGroup(run: RunRecord): RunRecord[] {
    if (run.concurrency === undefined) return [];
    return [...this.runs.values()].filter((r) => r !== run && r.repo === run.repo && r.concurrency?.group === run.concurrency?.group && r.status !== "completed");
  }

  private context(run: RunRecord, workflow: Workflow, token: string): Record<string, unknown> {
    const github = {
      workflow: run.workflowName, ref: `refs/heads/${run.headBranch}`, ref_name: run.headBranch, sha: run.headSha, repository: run.repo.fullName, repository_owner: run.repo.owner.login,
      run_id: String(run.id), run_number: String(run.runNumber), run_attempt: String(run.attempt), actor: run.actor.login, triggering_actor: run.actor.login, event_name: run.event,
      token, server_url: this.deps.shapes.server, api_url: this.deps.shapes.api, event: { inputs: run.inputs, ref: `refs/heads/${run.headBranch}`, workflow: workflow.path },
      job: run.jobs[0]?.key ?? "", head_ref: "", base_ref: "", workflow_ref: `${run.repo.fullName}/${workflow.path}@refs/heads/${run.headBranch}`,
    };
    return { github, inputs: run.inputs, secrets: { ...run.repo.secrets, GITHUB_TOKEN: token }, vars: run.repo.vars, env: {}, runner: { os: "Linux", arch: "X64", temp: "" } };
  }

  private async execute(run: RunRecord, workflow: Workflow, jobSpec: Job): Promise<void> {
    const job = run.jobs[0] as JobRecord;
    if (run.cancelRequested !== undefined) { await this.complete(run, run.cancelRequested === "lost" ? "failure" : "cancelled"); return; }
    const now = this.deps.world.now();
    Object.assign(run, { status: "in_progress", startedAt: now, updatedAt: now });
    Object.assign(job, { status: "in_progress", startedAt: now });
    this.emitRun(run, "in_progress");
    this.emitJob(run, job, "in_progress");
    await this.gateOf(run);
    const permissions = tokenPermissions(workflow.permissions, jobSpec.permissions, this.options.tokenPermissions);
    const token = mintToken(this.deps.world, { kind: "actions", repoFullName: run.repo.fullName, runId: run.id, permissions });
    let requestToken: string | undefined;
    let conclusion: Conclusion = "success";
    const log = (text: string): void => { job.log += text; };
    try {
      this.root ??= await mkdtemp(join(tmpdir(), "weave-runner-"));
      const context = this.context(run, workflow, token.token);
      const dirs = await makeJobDirs(join(this.root, `run-${run.id}`), run.trigger?.payload ?? run.dispatchPayload ?? (context.github as { event: unknown }).event);
      job.workspace = dirs.workspace;
      jobStep(job, "Set up job", "success", this.deps.world.now());
      const checkout = (jobSpec.steps ?? []).find((s) => s.uses?.startsWith("actions/checkout@") === true);
      const checkoutRef = checkout?.with?.ref === undefined ? run.headBranch : interpolate(checkout.with.ref, context).replace(/^refs\/heads\//, "");
      // actions/checkout keeps the token in .git/config unless `persist-credentials: false`.
      const persist = checkout?.with?.["persist-credentials"] === undefined || interpolate(checkout.with["persist-credentials"], context) !== "false";
      await cloneWorkspace(`${this.deps.shapes.server}/${run.repo.fullName}.git`, checkoutRef, token.token, dirs, persist);
      jobStep(job, `Run ${checkout?.uses ?? "actions/checkout@v4"}`, "success", this.deps.world.now());
      const entry = await this.options.entry();
      const prepared = jobEnvironment({ run, job, workflow, jobSpec, dirs, entry, context, shapes: this.deps.shapes, oidc: this.deps.oidc, permissions });
      requestToken = prepared.requestToken;
      job.env = prepared.env;
      if (run.cancelRequested !== undefined) throw new Error("cancelled before the action started");
      const main = await this.runStep(job, entry.main, prepared.env, dirs.workspace, log, `Run ${prepared.uses}`);
      conclusion = this.outcome(run, main);
      if (entry.post !== undefined && run.cancelRequested !== "force" && run.cancelRequested !== "lost") {
        const state = parseFileCommand(await readFile(dirs.files.state, "utf8"));
        const exported = parseFileCommand(await readFile(dirs.files.env, "utf8"));
        const postEnv = { ...prepared.env, ...exported, ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])) };
        const post = await this.runStep(job, entry.post, postEnv, dirs.workspace, log, `Post Run ${prepared.uses}`);
        if (conclusion === "success" && post !== 0) conclusion = "failure";
      }
      job.outputs = parseFileCommand(await readFile(dirs.files.output, "utf8"));
      job.summary = await readFile(dirs.files.summary, "utf8");
    } catch (error) {
      log(`\n##[error]${String(error)}\n`);
      if (String(error).includes("stand-in does not evaluate") || String(error).includes("unknown context")) this.deps.report(`run ${run.id}: ${String(error)}`);
      conclusion = this.outcome(run, 1);
    } finally {
      if (requestToken !== undefined) this.deps.oidc.revoke(requestToken);
      this.deps.world.tokens.delete(token.token);
    }
    jobStep(job, "Complete job", "success", this.deps.world.now());
    await this.complete(run, conclusion);
  }

  private async runStep(job: JobRecord, entry: string, env: Record<string, string>, cwd: string, log: (text: string) => void, name: string): Promise<number | null> {
    const started = this.deps.world.now();
    const step = spawnStep(entry, env, cwd, log);
    job.process = step.child;
    const { code } = await step.exited;
    job.process = undefined;
    jobStep(job, name, code === 0 ? "success" : "failure", started);
    return code;
  }

  private outcome(run: RunRecord, code: number | null): Conclusion {
    if (run.cancelRequested === "lost") return "failure";
    if (run.cancelRequested !== undefined) return "cancelled";
    return code === 0 ? "success" : "failure";
  }

  private async complete(run: RunRecord, conclusion: Conclusion): Promise<void> {
    if (run.status === "completed") return;
    const now = this.deps.world.now();
    const open = run.jobs.filter((job) => job.status !== "completed");
    for (const job of open) {
      Object.assign(job, { status: "completed", conclusion, completedAt: now });
      for (const step of job.steps) if (step.status !== "completed") Object.assign(step, { status: "completed", conclusion: "skipped", completedAt: now });
    }
    Object.assign(run, { status: "completed", conclusion, updatedAt: now });
    for (const job of open) this.emitJob(run, job, "completed");
    this.emitRun(run, "completed");
    this.finishers.get(run.id)?.();
    this.finishers.delete(run.id);
    this.starters.delete(run.id);
    this.nextInGroup(run);
  }

  private emitRun(run: RunRecord, action: string): void {
    const payload = workflowRunPayload(this.deps.shapes, this.deps.payloads, run, action);
    this.deps.webhooks.emit("workflow_run", action, () => payload, { repo: run.repo });
  }

  private emitJob(run: RunRecord, job: JobRecord, action: string): void {
    const payload = workflowJobPayload(this.deps.shapes, this.deps.payloads, run, job, action);
    delete payload.deployment;
    this.deps.webhooks.emit("workflow_job", action, () => payload, { repo: run.repo });
  }
}
