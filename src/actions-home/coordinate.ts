/**
 * The weave Action's coordinating mode (`mode: coordinate`): ONE reconcile pass of this repository, for the event
 * that started this coordinator run, with the job's token, through the same RepoClient, comment commands and
 * reconcileRepo the App server uses — then it returns and the job ends. No server, no memory between runs. It is the
 * third home (ARCHITECTURE.md): a composition of the App's github/ adapters, called by the Action entry (action/main.ts).
 * Responsibilities: build the client from a token (GITHUB_TOKEN, or the `token` input) — with pushes and PRs through
 * an App installation token when the job is given the App's id and key (actions-home/app-token.ts) —, a fresh session with its
 * mirror under RUNNER_TEMP, a config without a heartbeat endpoint (workers get an empty `app_url`) whose ledger key
 * comes from WEAVE_LEDGER_KEY (the coordinator job's env, never a worker's; a pass refuses to run without it); hand the event
 * to the command handler (through actions-home/command-catch-up.ts, so a comment is carried out once), the button or
 * review request, or the reconcile — a tick first carrying out the `/weave` comments whose own run never came; resume the milestones whose jobs stopped on
 * their allowance when the run has budget for them (actions-home/allowance-resume.ts, then one more reconcile to
 * dispatch them); revoke the App token; and edit the status comment before exiting when the pass left an edit
 * waiting (there is no later moment in a one-shot run).
 * Not here: reading the event (actions-home/coordinate-event.ts), the loop (github/reconcile-repo.ts), commands
 * (github/comment-commands.ts), buttons and reviews (github/person-requests.ts), the entry (action/main.ts).
 * Invariants: a review of a fork's pull request ends the run before anything is read (its run gets no secrets);
 * a request from a person is acted on only when GitHub says they may write; the tokens are masked and
 * never logged; the App's installation token is revoked when the pass ends, however it ends; the plan is read from the default branch whatever ref the event ran on.
 */
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import { WeaveError } from "../core/errors.js";
import { LEDGER_SECRET_MIN_LENGTH } from "../core/ledger-mac.js";
import type { AppConfig } from "../github/app-config.js";
import type { CommandDeps } from "../github/comment-commands.js";
import { updateLedger } from "../github/comment-commands.js";
import { diagnoseRepo } from "../github/github-doctor.js";
import { ledgerGuardFor } from "../github/ledger.js";
import { loadLedger } from "../github/ledger-store.js";
import { applyApproval, applyButton } from "../github/person-requests.js";
import { loadPlan } from "../github/plan-source.js";
import { reconcileRepo } from "../github/reconcile-repo.js";
import { refreshStatusComment } from "../github/run-publish.js";
import type { ReconcileDeps, ReconcileTrigger } from "../github/reconcile-repo.js";
import { reportingPostFailures } from "../github/post-failures.js";
import type { OctokitLike, RepoClient } from "../github/repo-client.js";
import { createRepoClient } from "../github/repo-client.js";
import { mirrorFor } from "../github/repo-mirror.js";
import type { RepoSession } from "../github/repo-session.js";
import { createSession } from "../github/repo-session.js";
import type { GetInput } from "../action/action-inputs.js";
import { landingThroughApp, mintLandingToken, readAppCredentials, revokeLandingToken, tokenClient } from "./app-token.js";
import { resumeAllowanceStops } from "./allowance-resume.js";
import { readCoordinatorRequest } from "./coordinate-event.js";
import { observeLiveRuns } from "./coordinate-liveness.js";
import { acceptWorkerReport } from "./coordinate-report.js";
import { carryOutComment, catchUpMissedCommands } from "./command-catch-up.js";
import type { CoordinatorRequest } from "./coordinate-event.js";
import { maySteer } from "../core/command-permission.js";

export interface CoordinateCore {
  getInput: GetInput;
  setSecret(value: string): void;
  info(message: string): void;
}

export interface CoordinateContext {
  env: NodeJS.ProcessEnv;
  core: CoordinateCore;
  now?: () => Date;
}

/** What one coordinator run did (for the log and tests). */
export interface CoordinateOutcome {
  request: CoordinatorRequest["kind"];
  /** Command verbs carried out (comment events). */
  verbs: string[];
  /** REST calls made with GITHUB_TOKEN (it allows 1,000 an hour per repository). */
  calls: number;
  /** REST calls made with the App's installation token (pushes and PRs), 0 without one. */
  appCalls: number;
}


export async function runCoordinatePass(ctx: CoordinateContext): Promise<CoordinateOutcome> {
  const { env, core } = ctx;
  const now = ctx.now ?? (() => new Date());
  const token = core.getInput("token").trim() || env.GITHUB_TOKEN || "";
  const problems: string[] = [];
  if (!token) problems.push("input `token` is empty and GITHUB_TOKEN is not set");
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) problems.push("GITHUB_REPOSITORY is not owner/name");
  if (!env.GITHUB_EVENT_NAME) problems.push("GITHUB_EVENT_NAME is not set");
  if (problems.length) throw new WeaveError("usage", problems.join("; "), { hint: "run `mode: coordinate` inside the coordinator workflow `weave init --coordinator actions` writes" });
  core.setSecret(token);
  const payload = env.GITHUB_EVENT_PATH ? await readFile(env.GITHUB_EVENT_PATH, "utf8").then((t): unknown => JSON.parse(t)).catch(() => undefined) : undefined;
  const request = readCoordinatorRequest(env.GITHUB_EVENT_NAME!, payload);
  if (request.kind === "ignore") {
    // Before the ledger key: a fork's review runs with no secrets (GitHub's rule), and there is nothing to do anyway.
    core.info(`weave: nothing to coordinate for ${env.GITHUB_EVENT_NAME}: ${request.why}`);
    return { request: request.kind, verbs: [], calls: 0, appCalls: 0 };
  }
  const ledgerSecret = env.WEAVE_LEDGER_KEY ?? "";
  if (ledgerSecret.length < LEDGER_SECRET_MIN_LENGTH) {
    throw new WeaveError("usage", ledgerSecret ? `WEAVE_LEDGER_KEY is too short (${ledgerSecret.length} characters; at least ${LEDGER_SECRET_MIN_LENGTH})` : "WEAVE_LEDGER_KEY is not set: the run ledger's MAC needs it", {
      hint: "create the repository secret WEAVE_LEDGER_KEY (Settings → Secrets and variables → Actions) with a long random value, e.g. `openssl rand -hex 32`; the coordinator workflow passes it to its job only",
    });
  }
  core.setSecret(ledgerSecret);
  const baseUrl = env.GITHUB_API_URL || "https://api.github.com";
  const where = { owner: owner!, repo: repo! };
  const octokit = new ProbotOctokit({ auth: { token }, baseUrl, throttle: { enabled: false }, log: { debug() {}, info() {}, warn: core.info, error: core.info } });
  const events = createRepoClient(octokit as unknown as OctokitLike, where);
  // With an App's id and key from secrets, pushes and PRs go out as the App so CI runs on them (actions-home/app-token.ts).
  const credentials = readAppCredentials(env);
  const landingToken = credentials ? await mintLandingToken(credentials, where, baseUrl, core.setSecret, core.info) : undefined;
  try {
    return await coordinateWith(ctx, { request, baseUrl, events, landing: landingToken ? tokenClient(landingToken, where, baseUrl, core.info) : undefined, now });
  } finally {
    // Every exit path, a thrown pass too: the token must not outlive the job that needed it (actions-home/app-token.ts).
    if (landingToken) await revokeLandingToken(landingToken, baseUrl, core.info);
  }
}

interface PassParts {
  request: Exclude<CoordinatorRequest, { kind: "ignore" }>;
  baseUrl: string;
  /** The client over GITHUB_TOKEN. */
  events: RepoClient;
  /** The client over the App's installation token (pushes and PRs), when the job was given the App's id and key. */
  landing?: RepoClient;
  now: () => Date;
}

/** The pass itself, once the tokens are in hand. */
async function coordinateWith(ctx: CoordinateContext, { request, baseUrl, events, landing, now }: PassParts): Promise<CoordinateOutcome> {
  const { env, core } = ctx;
  const client = reportingPostFailures(landing ? landingThroughApp(events, landing) : events, { trackingIssue: () => session.ledgers.latest?.run?.trackingIssue, log: core.info });
  // Without the App's token, weave's PRs and pushes are GITHUB_TOKEN's: no CI runs on them (github/pull-merge.ts says so).
  const config = { ...coordinatorConfig(env, core.getInput("workflow").trim() || "weave-worker.yml", baseUrl), ownWritesStartNoCi: !landing };
  const session = createSession(client.fullName, 0, config.cacheDir, ledgerGuardFor(config));
  session.client = client;
  const deps: ReconcileDeps = { config, now, log: core.info };
  /**
   * One reconcile from the world: the ledger read first, so a worker's report is matched to the dispatch it claims,
   * and live runs are looked at (actions-home/coordinate-liveness.ts) — no heartbeat ever reaches this process.
   */
  const reconcile = async (trigger: ReconcileTrigger, report?: { text: string; sender: string }): Promise<void> => {
    const mirror = await mirrorFor(session, client);
    const version = await loadLedger(client, session.ledgers.guard, mirror);
    session.ledgers.version = version;
    if (report) {
      const refused = acceptWorkerReport(session, version.ledger, report.text, report.sender, now());
      core.info(refused ? `weave: worker report set aside: ${refused}` : "weave: worker report taken as its run's last heartbeat");
    }
    if (version.ledger.run) await observeLiveRuns(session, client, version.ledger, mirror, now(), (await loadPlan(session, client).catch(() => undefined))?.budget_ceiling);
    await reconcileRepo(session, client, deps, trigger);
  };
  core.info(`weave: coordinating ${client.fullName} for ${env.GITHUB_EVENT_NAME} (${request.kind})`);

  let verbs: string[] = [];
  /** What a command needs from this pass; `issue` is where the comment was said. */
  const commandDeps = (issue: number): CommandDeps => ({
    now,
    reconcile: () => reconcile("event"),
    refreshComment: async () => {
      const ledger = (await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client))).ledger;
      if (ledger.run) await refreshStatusComment(session, client, await loadPlan(session, client), ledger, now(), true);
      else await client.createComment(issue, "No weave run yet: say `/weave start` to begin one.");
    },
    doctor: (fix) => diagnoseRepo(session, client, fix),
  });
  if (request.kind === "comment") {
    verbs = await carryOutComment(session, client, request.comment, commandDeps(request.comment.issueNumber), core.info);
  } else if (request.kind === "button") {
    if (maySteer(await client.permission(request.login))) await updateLedger(client, session, (ledger) => applyButton(ledger, request.milestone, request.identifier, request.login, session.plans.current?.plan));
    await reconcile("event");
  } else if (request.kind === "review") {
    const plan = await loadPlan(session, client);
    if (request.approved && plan.merge.auto === "confirm" && maySteer(await client.permission(request.login))) await updateLedger(client, session, (ledger) => applyApproval(ledger, request.pull));
    await reconcile("checks");
  } else {
    // The liveness tick also carries out the `/weave` comments whose own coordinator run never came.
    if (request.trigger === "tick") verbs = await catchUpMissedCommands(session, client, commandDeps, now, core.info);
    await reconcile(request.trigger, request.report);
  }
  // A job that stopped on its allowance while the run has budget left is resumed with a new one, in this pass.
  await resumeOnAllowance(session, client, () => reconcile("event"));
  await flushStatusComment(session, client, now);
  const calls = [...client.calls.values()].reduce((n, c) => n + c, 0);
  const appCalls = landing ? [...landing.calls.values()].reduce((n, c) => n + c, 0) : 0;
  core.info(`weave: coordinator pass done (${verbs.length ? verbs.join(", ") : request.kind}; ${calls} REST calls${landing ? `, ${appCalls} more with the App token` : ""})`);
  return { request: request.kind, verbs, calls, appCalls };
}

/**
 * Milestones paused on their allowance (actions-home/allowance-resume.ts) that the run's budget now has room for
 * are made eligible, and a second reconcile dispatches them; nothing is written when none is waiting.
 */
async function resumeOnAllowance(session: RepoSession, client: RepoClient, reconcile: () => Promise<void>): Promise<void> {
  const plan = session.plans.current?.plan;
  const ledger = session.ledgers.latest;
  if (!plan || plan.budget_ceiling === undefined || !ledger?.run) return;
  const waiting = Object.values(ledger.milestones).some((r) => r.state === "paused" && r.signal === undefined && r.allowanceUsd !== undefined);
  if (!waiting) return;
  let resumed: string[] = [];
  await updateLedger(client, session, (l) => void (resumed = resumeAllowanceStops(l, plan)));
  if (resumed.length) await reconcile();
}

/**
 * The App spaces status-comment edits with a timer; a one-shot run has no later moment, so an edit the pass left
 * waiting is made now (the next coordinator run would otherwise show it, up to a tick late).
 */
async function flushStatusComment(session: RepoSession, client: RepoClient, now: () => Date): Promise<void> {
  if (!session.published.cancelCommentEdit()) return;
  if (session.ledgers.latest?.run) await refreshStatusComment(session, client, await loadPlan(session, client), session.ledgers.latest, now(), true);
}

/** The App's configuration as far as the loop reads it, for a coordinator with no server: no endpoint, no App key. */
export function coordinatorConfig(env: NodeJS.ProcessEnv, workflowFile: string, baseUrl: string): AppConfig {
  return {
    appId: "", privateKey: "", webhookSecret: "", ledgerSecret: env.WEAVE_LEDGER_KEY ?? "", baseUrl, publicUrl: "", oidcIssuer: "", workflowFile,
    tickSeconds: 0, checkRunIntervalSeconds: 30, port: 0, cacheDir: join(env.RUNNER_TEMP || tmpdir(), "weave-coordinator"),
  };
}
