/**
 * The App's runtime: what every handler shares — the sessions by repository, the repository clients, the queued
 * reconcile, error reporting and the delivery log.
 * Responsibilities: a session made on first sight with its comment timer wired; the repository client made once per
 * session from the first Octokit at hand — the event's own `context.octokit`, or, with no event (heartbeats, the
 * tick), an installation Octokit from the App's credentials; a reconcile queued on the repository's queue, its
 * failure reported and swallowed.
 * Not here: what an event means (the other files in github/handlers/); deciding (github/reconcile-repo.ts).
 * Invariants: one session per repository in this process; every swallowed error is logged and told to `onError`.
 */
import type { Probot } from "probot";
import { WeaveError } from "../../core/errors.js";
import type { AppConfig } from "../app-config.js";
import { ledgerGuardFor } from "../ledger.js";
import { loadPlan } from "../plan-source.js";
import { reportingPostFailures } from "../post-failures.js";
import { reconcileRepo } from "../reconcile-repo.js";
import { refreshStatusComment } from "../run-publish.js";
import type { ReconcileDeps, ReconcileTrigger } from "../reconcile-repo.js";
import type { OctokitLike, RepoClient } from "../repo-client.js";
import { createRepoClient } from "../repo-client.js";
import type { RepoSession } from "../repo-session.js";
import { createSession, publishLater, serialise } from "../repo-session.js";
import type { DeliveryLog } from "./delivery-log.js";
import { createDeliveryLog } from "./delivery-log.js";

/** What a repository event's payload says of where it happened. */
export interface RepoPayload {
  repository?: { full_name: string };
  installation?: { id: number };
}

export interface AppRuntime {
  readonly config: AppConfig;
  readonly now: () => Date;
  readonly deps: ReconcileDeps;
  readonly sessions: Map<string, RepoSession>;
  readonly deliveries: DeliveryLog;
  /** The probot instance, once the App is loaded. */
  probot(): Probot | undefined;
  load(app: Probot): void;
  /** The session of an event's repository (made on first sight), its client made from the event's Octokit. */
  sessionOf(payload: RepoPayload, octokit: OctokitLike): RepoSession | undefined;
  /** The session of a repository the App is installed on, made on first sight with the installation's id. */
  sessionFor(fullName: string, installationId: number): RepoSession;
  /** The session's repository client; made with the App's credentials when no event gave one. */
  clientFor(session: RepoSession): Promise<RepoClient>;
  /** Queues a reconcile on the repository's queue. */
  reconcile(session: RepoSession, trigger?: ReconcileTrigger): Promise<void>;
  /** Reconciles now (inside a queued task); a failure is reported, not thrown. */
  reconcileNow(session: RepoSession, client: RepoClient, trigger?: ReconcileTrigger): Promise<void>;
  report(where: string, error: unknown): void;
  log(message: string): void;
}

export interface RuntimeOptions {
  config: AppConfig;
  now: () => Date;
  sleep?: ReconcileDeps["sleep"];
  onError?: (where: string, error: unknown) => void;
  /** The values never posted (core/safe-text.ts). */
  secretValues: readonly string[];
}

export function createAppRuntime(options: RuntimeOptions): AppRuntime {
  const { config, now } = options;
  const sessions = new Map<string, RepoSession>();
  let probot: Probot | undefined;
  const log = (message: string): void => probot?.log.info(message);
  const report = (where: string, e: unknown): void => {
    probot?.log.error(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    options.onError?.(where, e);
  };
  const deps: ReconcileDeps = { config, now, log, sleep: options.sleep };

  const makeClient = (session: RepoSession, octokit: OctokitLike): RepoClient => {
    const [owner = "", repo = ""] = session.fullName.split("/");
    session.client = reportingPostFailures(createRepoClient(octokit, { owner, repo }, { secretValues: options.secretValues }), { trackingIssue: () => session.ledgers.latest?.run?.trackingIssue, log });
    return session.client;
  };
  const clientFor = async (session: RepoSession): Promise<RepoClient> => {
    if (session.client) return session.client;
    if (!probot) throw new WeaveError("internal", "the App is not loaded yet", { hint: "a repository's client is asked for before probot loaded the App; report this" });
    const octokit = await probot.auth(session.installationId);
    return session.client ?? makeClient(session, octokit);
  };
  /** A status-comment edit that waited for its interval: queued beside the reconciles, with what is true then. */
  const editComment = (session: RepoSession): void =>
    void publishLater(session, async () => {
      const client = await clientFor(session);
      const ledger = session.ledgers.latest;
      if (ledger?.run) await refreshStatusComment(session, client, await loadPlan(session, client), ledger, now());
    }).catch((e: unknown) => report(`${session.fullName}: status comment`, e));
  const sessionFor = (fullName: string, installationId: number): RepoSession => {
    let session = sessions.get(fullName);
    if (!session) {
      const made: RepoSession = createSession(fullName, installationId, config.cacheDir, ledgerGuardFor(config), () => editComment(made));
      sessions.set(fullName, (session = made));
    }
    return session;
  };
  const reconcileNow = async (session: RepoSession, client: RepoClient, trigger: ReconcileTrigger = "event"): Promise<void> => {
    try {
      await reconcileRepo(session, client, deps, trigger);
    } catch (e) {
      report(`${session.fullName}: reconcile`, e);
    }
  };

  return {
    config, now, deps, sessions, deliveries: createDeliveryLog(),
    probot: () => probot,
    load(app) {
      probot = app;
    },
    sessionOf(payload, octokit) {
      if (!payload.repository || !payload.installation) return undefined;
      const session = sessionFor(payload.repository.full_name, payload.installation.id);
      if (!session.client) makeClient(session, octokit);
      return session;
    },
    sessionFor,
    clientFor,
    reconcile: (session, trigger = "event") =>
      serialise(session, async () => {
        try {
          await reconcileRepo(session, await clientFor(session), deps, trigger);
        } catch (e) {
          report(`${session.fullName}: reconcile`, e);
        }
      }),
    reconcileNow,
    report,
    log,
  };
}
