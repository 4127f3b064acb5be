/**
 * The worker Action's main step: run one milestone's tasks inside its GitHub Actions job, or (input `mode: resolve`)
 * merge the target into weave/<milestone> and let the agent resolve the conflicts.
 * Responsibilities: read the plan from the default branch (never the PR head), refuse a checkout that is not
 * `weave/<milestone>` at the dispatched commit, give the agent an environment without weave's credentials, fetch and
 * push with the `token` input in git's environment only, run the shared worker loop (or the resolve run) with HTTPS
 * heartbeats — or, with the coordinator in Actions (input `coordinator`, no `app-url`), ledger reads and check-run
 * progress —, set outputs, write the job summary, and leave a status file for the post step.
 * Not here: the loop (worker/worker-loop.ts), the transports (action/https-reporter.ts, action/ledger-reporter.ts),
 * the entries (action/main.ts, post.ts).
 * Invariants: everything from the outside world is injected (env, core functions, signals), so tests drive it directly.
 */
import { join } from "node:path";
import { eventDefaultBranch } from "../core/contracts/actions-event.js";
import { WeaveError } from "../core/errors.js";
import { createGit } from "../git/git-executor.js";
import { formatDuration } from "../core/plan/duration.js";
import { parsePlan } from "../core/plan/parse-plan.js";
import { formatCost } from "../core/render/status-table.js";
import type { Plan } from "../core/plan/plan.js";
import type { Reporter, WorkerStatus } from "../ports/reporter.js";
import type { SignalBox } from "../worker/signal-box.js";
import { runResolveConflicts } from "../worker/resolve-conflicts.js";
import { createWorkerGit } from "../worker/worker-git.js";
import { runWorkerLoop } from "../worker/worker-loop.js";
import { readActionInputs } from "./action-inputs.js";
import type { ActionInputs, GetInput } from "./action-inputs.js";
import { agentEnvironment } from "./agent-environment.js";
import { gitCredentialEnv } from "./git-credentials.js";
import { createHttpsReporter, FINAL_STATES } from "./https-reporter.js";
import { createLedgerFetch, repositoryGitUrl } from "./ledger-fetch.js";
import { createLedgerReporter } from "./ledger-reporter.js";
import type { LedgerReporter } from "./ledger-reporter.js";
import { progressIntervalSec } from "./ledger-view.js";
import { workerCheckOutput } from "./worker-check-run.js";
import type { BudgetWord } from "./https-reporter.js";
import { statusFilePath, writeStatusFile } from "./status-file.js";
import { WEAVE_VERSION } from "./weave-version.js";
import { PLAN_PATH } from "../core/plan/plan-path.js";

export interface ActionCore {
  getInput: GetInput;
  setSecret(value: string): void;
  setOutput(name: string, value: string): void;
  info(message: string): void;
  warning(message: string): void;
  getIDToken(audience: string): Promise<string>;
  saveState(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
}

export interface ActionContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  core: ActionCore;
  signals: SignalBox;
  fetchImpl?: typeof fetch;
}

/** The runner gives 7.5 s between SIGINT and SIGTERM: the agent gets less, so the checkpoint and report fit. */
export const ACTION_STOP_GRACE_SEC = 4;
const BOT = { name: "weave", email: "weave@users.noreply.github.com" };

export async function runMilestoneAction(ctx: ActionContext): Promise<WorkerStatus> {
  const { core, env } = ctx;
  const inputs = readActionInputs(core.getInput, core.setSecret);
  // The agent (and every git call weave makes) gets the step's environment without what weave needs for itself.
  const agent = agentEnvironment(env, [inputs.token, env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, env.ACTIONS_RUNTIME_TOKEN]);
  core.info(`weave ${WEAVE_VERSION}: the agent's environment leaves out ${agent.dropped.join(", ") || "nothing"}`);
  const gitEnv = { ...agent.env, GIT_AUTHOR_NAME: env.GIT_AUTHOR_NAME ?? BOT.name, GIT_AUTHOR_EMAIL: env.GIT_AUTHOR_EMAIL ?? BOT.email, GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME ?? BOT.name, GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL ?? BOT.email, GIT_TERMINAL_PROMPT: "0" };
  // Only weave's own fetches and pushes carry the `token` input, in git's environment (never .git/config or argv).
  const remoteGitEnv = inputs.token ? gitCredentialEnv(gitEnv, { serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com", token: inputs.token }) : gitEnv;
  const localExecutor = createGit(ctx.cwd, { env: gitEnv });
  const remoteExecutor = createGit(ctx.cwd, { env: remoteGitEnv, secrets: inputs.token ? [inputs.token] : [] });
  const git = (args: readonly string[]): Promise<string> => localExecutor.run(args);
  const remoteGit = (args: readonly string[]): Promise<string> => remoteExecutor.run(args);
  const defaultBranch = await readDefaultBranch(env);
  const plan = await readDefaultBranchPlan(remoteGit, git, defaultBranch);
  const target = plan.target ?? defaultBranch;
  // A resolve run fetches the target itself, as late as it can.
  if (target !== defaultBranch && inputs.mode === "run") await remoteGit(["fetch", "-q", "--no-tags", "origin", `+refs/heads/${target}:refs/remotes/origin/${target}`]);
  const effective: Plan = {
    ...plan,
    worker: { ...plan.worker, heartbeat_interval: inputs.heartbeatIntervalSec ?? plan.worker.heartbeat_interval, stop_grace: Math.min(plan.worker.stop_grace, ACTION_STOP_GRACE_SEC) },
  };

  core.saveState("milestone", inputs.milestone);
  core.saveState("report-window-sec", String(plan.heartbeat_timeout));
  const statusFile = statusFilePath(env, inputs.milestone);
  const remote = inputs.appUrl
    ? createHttpsReporter({ appUrl: inputs.appUrl, dispatchId: inputs.dispatchId, getIdToken: () => core.getIDToken("weave"), log: core.warning, fetchImpl: ctx.fetchImpl })
    : undefined;
  // The coordinator inside Actions has no endpoint: the worker reads the ledger and writes its own check run.
  const ledger = !remote && inputs.coordinator ? ledgerReporterFor(ctx, inputs, plan, remoteGitEnv) : undefined;
  if (!remote && !ledger) core.warning("weave: no `app-url` input: progress is only in this job's log and summary");
  let finalAcknowledged = false;
  let reachedSaved = false;
  const reporter: Reporter = {
    async report(status) {
      await writeStatusFile(statusFile, status).catch(() => undefined);
      const answer = remote ? await remote.report(status) : ledger ? await ledger.report(status) : undefined;
      // The post step tries longer when the App answered this job before (it is likely just restarting).
      if (remote?.reached && !reachedSaved) {
        reachedSaved = true;
        core.saveState("app-reached", "true");
      }
      if (FINAL_STATES.has(status.state)) finalAcknowledged = remote?.finalAcknowledged ?? true;
      return answer;
    },
  };

  const started = Date.now();
  const shared = {
    plan: effective,
    milestoneId: inputs.milestone,
    runId: env.GITHUB_RUN_ID ?? inputs.dispatchId,
    cwd: ctx.cwd,
    expectedHead: inputs.sha,
    reporter,
    signals: ctx.signals,
    env: agent.env,
    costFile: join(env.RUNNER_TEMP ?? "/tmp", `weave-${inputs.milestone}.cost.jsonl`),
    commandOverride: inputs.command,
    // `/weave tell` notes and the run's remaining budget come with the App's heartbeat replies.
    ...(remote ? { takeNotes: async () => remote.takeNotes(), runBudgetLeftUsd: (settledUsd: number) => budgetFromWord(remote.budgetWord(), settledUsd) } : {}),
    // Without an endpoint, the notes and the run's remaining budget are the ledger's, re-read at each heartbeat; the
    // notes taken are acknowledged on the check run and, through the saved state, in the post step's final report.
    ...(ledger ? {
      runBudgetLeftUsd: (settledUsd: number) => ledger.runBudgetLeftUsd(settledUsd),
      takeNotes: async () => {
        const notes = ledger.takeNotes();
        if (notes !== undefined) core.saveState("notes-seen", JSON.stringify(ledger.notesSeen()));
        return notes;
      },
    } : {}),
  };
  const status = inputs.mode === "resolve"
    ? await runResolveConflicts({ ...shared, target, remote: "origin", gitEnv, remoteGitEnv })
    : await runWorkerLoop({
      ...shared,
      base: `refs/remotes/origin/${target}`,
      git: createWorkerGit(ctx.cwd, { env: gitEnv, publish: async () => void (await remoteGit(["push", "-q", "origin", `HEAD:refs/heads/weave/${inputs.milestone}`])) }),
    });
  // Only an acknowledged final report spares the post step; otherwise it resends it until the App answers.
  if (finalAcknowledged) core.saveState("final-sent", "true");

  core.setOutput("state", status.state);
  core.setOutput("tasks-done", String(status.tasksDone));
  core.setOutput("cost-usd", status.costUsd.toFixed(4));
  core.setOutput("head-sha", status.headSha ?? "");
  const commits = (await git(["log", "--format=- `%h` %s", `refs/remotes/origin/${target}..HEAD`]).catch(() => "")).trim();
  await core.writeSummary(renderJobSummary(status, (Date.now() - started) / 1000, commits, inputs.mode === "resolve" ? `resolve conflicts with ${target}` : undefined)).catch((e: unknown) => core.warning(`weave: cannot write the job summary: ${(e as Error).message}`));
  return status;
}

/**
 * The reporter of the Actions home: the ledger read with the Action's token (git, no REST call), progress written on
 * the milestone's check run with the same token at the rate GITHUB_TOKEN's hourly allowance leaves the workers.
 */
function ledgerReporterFor(ctx: ActionContext, inputs: ActionInputs, plan: Plan, remoteGitEnv: NodeJS.ProcessEnv): LedgerReporter | undefined {
  const { env, core } = ctx;
  const url = repositoryGitUrl(env);
  if (!url) {
    core.warning("weave: GITHUB_REPOSITORY is not set: the worker cannot read the run ledger");
    return undefined;
  }
  const fetcher = createLedgerFetch({ gitDir: join(env.RUNNER_TEMP ?? "/tmp", `weave-${inputs.milestone}-ledger.git`), url, env: remoteGitEnv });
  const apiUrl = (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");
  const heartbeat = inputs.heartbeatIntervalSec ?? plan.worker.heartbeat_interval;
  const progressSec = progressIntervalSec(plan.max_workers, heartbeat);
  core.info(`weave: no heartbeat endpoint (coordinator in Actions): reading the ledger every ${heartbeat} s, writing progress on the check run at most every ${progressSec} s${inputs.allowanceUsd !== undefined ? `; this job stops once the milestone has spent its allowance, $${inputs.allowanceUsd.toFixed(4)}` : ""}`);
  return createLedgerReporter({
    milestone: inputs.milestone,
    dispatchId: inputs.dispatchId,
    ceilingUsd: plan.budget_ceiling,
    ...(inputs.allowanceUsd !== undefined ? { allowanceUsd: inputs.allowanceUsd } : {}),
    readLedger: async () => {
      const json = await fetcher.read();
      if (json === undefined && fetcher.lastError) core.info(`weave: ledger read failed: ${fetcher.lastError}`);
      return json;
    },
    publishProgress: async (checkRunId, status, notesSeen) => {
      if (!inputs.token) throw new Error("no `token` input");
      const response = await (ctx.fetchImpl ?? fetch)(`${apiUrl}/repos/${env.GITHUB_REPOSITORY}/check-runs/${checkRunId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${inputs.token}`, accept: "application/vnd.github+json", "content-type": "application/json" },
        body: JSON.stringify({ output: workerCheckOutput(status, inputs.dispatchId, notesSeen) }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`GitHub answered ${response.status}${response.status === 403 ? " (the worker workflow needs `checks: write`)" : ""}`);
    },
    ledgerEveryMs: heartbeat * 1000,
    progressEveryMs: progressSec * 1000,
    log: core.warning,
  });
}

/**
 * What the run may still spend apart from this worker's task in flight: the App counted the cost this job had
 * reported (its settled spend then, plus the task in flight then), so that cost comes back and today's settled goes.
 */
export function budgetFromWord(word: BudgetWord | undefined, settledUsd: number): number | undefined {
  return word ? word.leftUsd + word.atCostUsd - settledUsd : undefined;
}

export function renderJobSummary(status: WorkerStatus, seconds: number, commits: string, resolve?: string): string {
  const rows = [
    ["weave", WEAVE_VERSION], ["milestone", status.milestone], ...(resolve ? [["mode", resolve]] : []), ["state", status.state], ["tasks", `${status.tasksDone}/${status.tasks}`],
    ["cost", formatCost(status.costUsd, status.costUnknown, 4)], ["time", formatDuration(seconds)], ["head", status.headSha ? `\`${status.headSha.slice(0, 12)}\`` : "—"],
    ...(status.verify ? [["verify", `${status.verify.state}${status.verify.durationMs !== undefined ? ` in ${formatDuration(status.verify.durationMs / 1000)}` : ""}`]] : []),
  ];
  const out = [`## weave: ${status.milestone}`, "", "| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  if (status.error) out.push("", `**${status.error}**`);
  if (status.lastOutput?.length) out.push("", "```", ...status.lastOutput, "```");
  if (commits) out.push("", "### Commits", "", commits);
  return `${out.join("\n")}\n`;
}

async function readDefaultBranch(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GITHUB_EVENT_PATH) {
    try {
      const { readFile } = await import("node:fs/promises");
      const branch = eventDefaultBranch(await readFile(env.GITHUB_EVENT_PATH, "utf8"));
      if (branch) return branch;
    } catch {
      // fall through
    }
  }
  return env.WEAVE_DEFAULT_BRANCH ?? "main";
}

/** The plan as the default branch has it: a milestone branch or PR head cannot rewrite its own instructions. */
async function readDefaultBranchPlan(remoteGit: (args: string[]) => Promise<string>, git: (args: string[]) => Promise<string>, branch: string): Promise<Plan> {
  try {
    await remoteGit(["fetch", "-q", "--no-tags", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  } catch (e) {
    throw new WeaveError("git-failed", `cannot fetch the default branch ${branch}: ${(e as Error).message}`, { hint: "the checkout needs `fetch-depth: 0`, and the `token` input read access to the repository" });
  }
  let text: string;
  try {
    text = await git(["show", `refs/remotes/origin/${branch}:${PLAN_PATH}`]);
  } catch {
    throw new WeaveError("plan-not-found", `no plan at ${PLAN_PATH} on the default branch ${branch}`, { hint: "commit the plan to the default branch (`weave init` writes one)" });
  }
  return parsePlan(text, `${PLAN_PATH}@${branch}`);
}
