/**
 * The weave GitHub App: probot event handlers, the heartbeat endpoint and the periodic tick, all ending in one
 * serialised reconcile per repository.
 * Responsibilities: map events to sessions and installation clients; record what events tell (finished runs, new
 * plan commits); hand comments to the command handler; check-run buttons; doctor.
 * Not here: decisions (github/reconcile-repo.ts), commands (github/comment-commands.ts), HTTP server (github/server.ts).
 * Invariants: handlers never act directly on GitHub state beyond recording; they call reconcile, which is idempotent.
 */
import type { Probot } from "probot";
import type { WorkerStatus } from "../ports/reporter.js";
import type { AppConfig } from "./app-config.js";
import { handleComment, updateLedger } from "./comment-commands.js";
import { checkRunUpdate } from "./check-runs.js";
import { isBudgetCrossing } from "./budget-reach.js";
import { diagnoseRepo } from "./github-doctor.js";
import { createHeartbeatHandler } from "./heartbeat-endpoint.js";
import { ledgerGuardFor } from "./ledger.js";
import { loadLedger } from "./ledger-store.js";
import { applyApproval, applyButton } from "./person-requests.js";
import { loadPlan, PLAN_PATH } from "./plan-source.js";
import { reportingPostFailures } from "./post-failures.js";
import { reconcileRepo, refreshStatusComment } from "./reconcile-repo.js";
import type { ReconcileDeps, ReconcileTrigger } from "./reconcile-repo.js";
import type { OctokitLike, RepoClient } from "./repo-client.js";
import { createRepoClient } from "./repo-client.js";
import type { RepoSession } from "./repo-session.js";
import { mirrorFor } from "./repo-mirror.js";
import { createSession, publishLater, serialise } from "./repo-session.js";
import { seedDispatches } from "./run-watch.js";
import { secretValuesOf } from "../core/safe-text.js";

export interface WeaveApp {
  appFn: (app: Probot) => void;
  heartbeat: ReturnType<typeof createHeartbeatHandler>;
  /** Reconciles every repository with a session (the periodic tick calls this). */
  tick(): Promise<void>;
  sessions: Map<string, RepoSession>;
  /** Resolves when every queued reconcile and every check-run or comment write queued beside them has run (tests). */
  idle(): Promise<void>;
  /** API calls made for heartbeats (their check-run progress updates), apart from everything else (benchmarks). */
  heartbeatCalls(): number;
}

export interface WeaveAppOptions {
  config: AppConfig;
  now?: () => Date;
  sleep?: ReconcileDeps["sleep"];
  /** Told of every error a handler or reconcile swallowed (they are logged too); tests assert there are none. */
  onError?: (where: string, error: unknown) => void;
  /** The App's environment: the values of its secret-like variables are redacted from every posted text. */
  env?: Readonly<Record<string, string | undefined>>;
}

interface RepoPayload {
  repository?: { name: string; owner: { login: string }; full_name: string };
  installation?: { id: number };
}

/** True when live heartbeats put the run's cost at or over the plan's ceiling and the ledger does not know yet. */
function crossesBudget(session: RepoSession): boolean {
  return session.ledger !== undefined && isBudgetCrossing(session.ledger, session.heartbeats, session.plan?.plan.budget_ceiling);
}

/** A push payload lists at most this many commits; one that lists as many may have been cut short. */
const PUSH_PAYLOAD_COMMITS = 20;

export function createWeaveApp(options: WeaveAppOptions): WeaveApp {
  const now = options.now ?? (() => new Date());
  const sessions = new Map<string, RepoSession>();
  // The App's own secrets and the secret-like variables of its environment are never posted (core/safe-text.ts).
  const secretValues = secretValuesOf({ ...(options.env ?? {}), APP_PRIVATE_KEY: options.config.privateKey, WEBHOOK_SECRET: options.config.webhookSecret });
  let heartbeatCalls = 0;
  let probot: Probot | undefined;
  const log = (message: string): void => probot?.log.info(message);
  const report = (where: string, e: unknown): void => {
    probot?.log.error(`${where}: ${(e as Error).message}`);
    options.onError?.(where, e);
  };

  const clientFor = async (session: RepoSession): Promise<RepoClient> => {
    if (session.client) return session.client;
    if (!probot) throw new Error("the App is not loaded yet");
    const octokit = (await probot.auth(session.installationId)) as unknown as OctokitLike;
    const [owner, repo] = session.fullName.split("/") as [string, string];
    session.client = reportingPostFailures(createRepoClient(octokit, { owner, repo }, { secretValues }), { trackingIssue: () => session.ledger?.run?.trackingIssue, log });
    return session.client;
  };
  const sessionOf = (payload: RepoPayload): RepoSession | undefined => {
    if (!payload.repository || !payload.installation) return undefined;
    const name = payload.repository.full_name;
    let session = sessions.get(name);
    if (!session) sessions.set(name, (session = createSession(name, payload.installation.id, options.config.cacheDir, ledgerGuardFor(options.config))));
    wireSession(session);
    return session;
  };
  const wireSession = (session: RepoSession): void => {
    session.flushComment ??= () =>
      void publishLater(session, async () => {
        const client = await clientFor(session);
        if (session.ledger?.run) await refreshStatusComment(session, client, await loadPlan(session, client), session.ledger, now());
      }).catch((e: unknown) => report(`${session.fullName}: status comment`, e));
  };
  const deps: ReconcileDeps = { config: options.config, now, log, sleep: options.sleep };
  const reconcile = (session: RepoSession, trigger: ReconcileTrigger = "event"): Promise<void> =>
    serialise(session, async () => {
      try {
        await reconcileRepo(session, await clientFor(session), deps, trigger);
      } catch (e) {
        report(`${session.fullName}: reconcile`, e);
      }
    });

  const heartbeat = createHeartbeatHandler({
    issuer: options.config.oidcIssuer,
    workflowFile: options.config.workflowFile,
    now,
    async repoFacts(session) {
      const client = await clientFor(session);
      return { repositoryId: session.ledger?.run?.repositoryId, defaultBranch: await client.defaultBranch() };
    },
    async sessionFor(fullName) {
      let session = sessions.get(fullName);
      if (!session && probot) {
        const [owner, repo] = fullName.split("/");
        const appOctokit = (await probot.auth()) as unknown as OctokitLike;
        const installation = await appOctokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo }).catch(() => undefined);
        const id = (installation?.data as { id?: number } | undefined)?.id;
        if (!id) return undefined;
        sessions.set(fullName, (session = createSession(fullName, id, options.config.cacheDir, ledgerGuardFor(options.config))));
      }
      if (session) wireSession(session);
      if (session && !session.ledger) {
        const client = await clientFor(session);
        session.ledger = (await loadLedger(client, session.ledgerGuard, await mirrorFor(session, client))).ledger;
      }
      // Dispatches whose run GitHub did not name (a 204, a lost answer) are known by their ids, after a restart too.
      if (session?.ledger) seedDispatches(session, session.ledger);
      return session;
    },
    onHeartbeat(session, milestone, status: WorkerStatus, changed) {
      if (crossesBudget(session)) {
        // Tell this worker now; the reconcile records the stop for everyone (writes take a while).
        void reconcile(session, "heartbeat");
        return session.plan?.plan.budget_action === "drain" ? "pause" : "stop";
      }
      // A worker that started or ended (finished, failed, paused, stopped, died) changes its milestone's state, and a run
      // whose id the ledger lacks is learnt from its first heartbeat: reconcile now. Progress alone does not.
      const known = session.ledger?.milestones[milestone];
      const starts = known?.state === "claimed" || (known !== undefined && known.runId === undefined);
      if (changed && (starts || ["finished", "failed", "paused", "stopped", "died"].includes(status.state))) {
        void reconcile(session, "heartbeat");
        return undefined;
      }
      const last = session.checkRunUpdatedAt.get(milestone) ?? 0;
      const record = session.ledger?.milestones[milestone];
      if (!record?.checkRunId || now().getTime() - last < options.config.checkRunIntervalSeconds * 1000) return undefined;
      session.checkRunUpdatedAt.set(milestone, now().getTime());
      void publishLater(session, async () => {
        // Look again when it is this update's turn: a publish queued before it may have completed the check run,
        // and a progress update must never reopen a completed one.
        const current = session.ledger?.milestones[milestone];
        if (!current?.checkRunId || !["claimed", "running"].includes(current.state) || session.checkRunShown.get(milestone)?.startsWith("completed")) return;
        const plan = await loadPlan(session, await clientFor(session));
        const m = plan.milestones.find((x) => x.id === milestone);
        if (!m) return;
        const live = { ...current, state: "running" as const, tasksDone: status.tasksDone, costUsd: status.costUsd, costUnknown: current.costUnknown || status.costUnknown || undefined, lastHeartbeat: now().toISOString(), verify: status.verify };
        await (await clientFor(session)).updateCheckRun(current.checkRunId, checkRunUpdate(m, live, now()));
        heartbeatCalls += 1;
      }).catch((e: unknown) => report(`${session.fullName}: check run progress`, e));
      return undefined;
    },
  });

  // GitHub delivers at least once: a delivery id seen before is not handled again (the reconcile would be
  // harmless, but a duplicated command would answer twice).
  const seen = new Set<string>();
  const firstTime = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > 5000) seen.delete(seen.values().next().value!);
    return true;
  };

  const appFn = (app: Probot): void => {
    probot = app;
    app.on("issue_comment.created", async (context) => {
      if (!firstTime(context.id)) return;
      const session = sessionOf(context.payload as RepoPayload);
      if (!session) return;
      const { comment, issue } = context.payload;
      // Answer the delivery at once (GitHub waits at most 10 s); the work runs in the repository's queue.
      void serialise(session, async () => {
        const client = await clientFor(session);
        await handleComment(session, client, { issueNumber: issue.number, commentId: comment.id, body: comment.body ?? "", login: comment.user?.login ?? "", isBot: comment.user?.type === "Bot" }, {
          now,
          reconcile: async () => {
            try {
              await reconcileRepo(session, client, deps);
            } catch (e) {
              report(`${session.fullName}: reconcile`, e);
            }
          },
          refreshComment: async () => {
            const ledger = (await loadLedger(client, session.ledgerGuard, await mirrorFor(session, client))).ledger;
            if (ledger.run) await refreshStatusComment(session, client, await loadPlan(session, client), ledger, now(), true);
            else await client.createComment(issue.number, "No weave run yet: say `/weave start` to begin one.");
          },
          doctor: (fix) => diagnoseRepo(session, client, fix),
        });
      }).catch((e: unknown) => report(`${session.fullName}: command`, e));
    });
    app.on("push", async (context) => {
      if (!firstTime(context.id)) return;
      const session = sessionOf(context.payload as RepoPayload);
      if (!session) return;
      const { ref, repository, commits } = context.payload;
      // The plan is read again only when a push to the default branch may have touched it.
      const touched = (c: (typeof commits)[number]): boolean => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(PLAN_PATH);
      if (ref === `refs/heads/${repository.default_branch}` && (commits.length === 0 || commits.length >= PUSH_PAYLOAD_COMMITS || commits.some(touched))) session.plan = undefined;
      if (ref.startsWith("refs/heads/") && !ref.startsWith("refs/heads/weave/")) {
        // What landed is in the payload: the reconcile reads it here instead of listing the branch's commits.
        const seen = session.pushed.get(ref.slice("refs/heads/".length)) ?? { messages: [], heads: [], complete: true };
        seen.messages.push(...commits.map((c) => c.message));
        // A payload of many commits may hold a merged branch's own commits, off the first-parent chain (which the
        // payload does not show): only the push's head commit is known to be on it.
        const head = context.payload.head_commit?.message;
        if (head !== undefined) seen.heads.push(head);
        seen.complete &&= commits.length < PUSH_PAYLOAD_COMMITS;
        session.pushed.set(ref.slice("refs/heads/".length), seen);
      }
      if (ref.startsWith("refs/heads/") && !ref.startsWith("refs/heads/weave/")) void reconcile(session, "push");
    });
    app.on(["workflow_run.completed", "workflow_job.completed"], async (context) => {
      const session = sessionOf(context.payload as RepoPayload);
      if (!session) return;
      const payload = context.payload as { workflow_run?: { id: number; conclusion: string | null; path?: string }; workflow_job?: { run_id: number; conclusion: string | null } };
      const runId = payload.workflow_run?.id ?? payload.workflow_job?.run_id;
      if (runId === undefined) return;
      const known = Object.values(session.ledger?.milestones ?? {}).some((r) => r.runId === runId) || [...session.dispatches.values()].some((d) => d.runId === runId);
      if (!known) return;
      // A job that reported its end has a final heartbeat; give a late one a moment before calling the job dead.
      setTimeout(() => {
        session.completedRuns.set(runId, payload.workflow_run?.conclusion ?? payload.workflow_job?.conclusion ?? "unknown");
        void reconcile(session, "heartbeat");
      }, 1000).unref();
    });
    app.on("pull_request.closed", async (context) => {
      const session = sessionOf(context.payload as RepoPayload);
      const pull = context.payload.pull_request;
      if (!session || !pull.head.ref.startsWith("weave/")) return;
      session.closedPulls.set(pull.number, pull.merged === true);
      void reconcile(session);
    });
    app.on("pull_request_review.submitted", async (context) => {
      if (!firstTime(context.id)) return;
      const session = sessionOf(context.payload as RepoPayload);
      const { review, pull_request: pull } = context.payload;
      if (!session || !pull.head.ref.startsWith("weave/")) return;
      const reviewer = review.user?.login ?? "";
      void serialise(session, async () => {
        const client = await clientFor(session);
        const plan = await loadPlan(session, client);
        // `merge.auto: confirm`: an approving review from someone who may merge is the confirmation.
        if (review.state.toLowerCase() === "approved" && plan.merge.auto === "confirm" && ["write", "maintain", "admin"].includes(await client.permission(reviewer))) {
          await updateLedger(client, session, (ledger) => applyApproval(ledger, pull.number));
        }
        await reconcileRepo(session, client, deps, "checks").catch((e: unknown) => report(`${session.fullName}: reconcile`, e));
      }).catch((e: unknown) => report(`${session.fullName}: review`, e));
    });
    app.on("check_run.completed", async (context) => {
      const session = sessionOf(context.payload as RepoPayload);
      // Another App's check (CI) finished: a milestone waiting for required checks may merge now. Looked at in the
      // queue, so a reconcile that is setting `waitingFor` right now is seen.
      if (!session) return;
      void serialise(session, async () => {
        const client = await clientFor(session);
        session.ledger ??= (await loadLedger(client, session.ledgerGuard, await mirrorFor(session, client))).ledger;
        if (!Object.values(session.ledger.milestones).some((r) => r.waitingFor === "checks")) return;
        await reconcileRepo(session, client, deps, "checks").catch((e: unknown) => report(`${session.fullName}: reconcile`, e));
      }).catch((e: unknown) => report(`${session.fullName}: checks`, e));
    });
    app.on("check_run.requested_action", async (context) => {
      if (!firstTime(context.id)) return;
      const session = sessionOf(context.payload as RepoPayload);
      if (!session) return;
      const { check_run: run, requested_action: action, sender } = context.payload as unknown as { check_run: { external_id: string }; requested_action: { identifier: string }; sender: { login: string } };
      const id = run.external_id;
      void serialise(session, async () => {
        const client = await clientFor(session);
        if (!["write", "maintain", "admin"].includes(await client.permission(sender.login))) return;
        await updateLedger(client, session, (ledger) => applyButton(ledger, id, action.identifier, sender.login, session.plan?.plan));
        await reconcileRepo(session, client, deps).catch((e: unknown) => report(`${session.fullName}: reconcile`, e));
      }).catch((e: unknown) => report(`${session.fullName}: check run button`, e));
    });
  };

  return {
    appFn,
    heartbeat,
    sessions,
    async tick() {
      await Promise.all([...sessions.values()].map((s) => reconcile(s, "tick")));
    },
    heartbeatCalls: () => heartbeatCalls,
    async idle() {
      for (;;) {
        const queues = [...sessions.values()].flatMap((s) => [s.queue, s.publishing]);
        await Promise.all(queues);
        if ([...sessions.values()].every((s, i) => s.queue === queues[2 * i] && s.publishing === queues[2 * i + 1])) return;
      }
    },
  };
}
