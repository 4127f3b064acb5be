/**
 * The weave GitHub App: probot's event handlers, the heartbeat endpoint and the periodic tick, composed from
 * github/handlers/ (one file per event family), all ending in one serialised reconcile per repository.
 * Responsibilities: wire each event to its handler; the App's secrets kept out of every posted text; `idle` for
 * tests and benchmarks.
 * Not here: what an event means (github/handlers/*), decisions (github/reconcile-repo.ts), commands
 * (github/comment-commands.ts), the HTTP server (github/server.ts).
 * Invariants: handlers record what an event tells and then reconcile, which is idempotent; they never act on GitHub
 * state directly beyond recording.
 */
import type { Probot } from "probot";
import { secretValuesOf } from "../core/safe-text.js";
import type { AppConfig } from "./app-config.js";
import { createAppRuntime } from "./handlers/app-runtime.js";
import { onButton, onCheckCompleted } from "./handlers/check-run-events.js";
import { onComment } from "./handlers/comment-events.js";
import { createHeartbeats } from "./handlers/heartbeats.js";
import { onPullClosed, onReview } from "./handlers/pull-request-events.js";
import { onPush } from "./handlers/push-events.js";
import { createTick } from "./handlers/tick.js";
import { onWorkflowJob, onWorkflowRun } from "./handlers/workflow-run-events.js";
import type { ReconcileDeps } from "./reconcile-repo.js";
import type { RepoSession } from "./repo-session.js";

export interface WeaveApp {
  appFn: (app: Probot) => void;
  heartbeat: ReturnType<typeof createHeartbeats>["handler"];
  /** Reconciles every repository with a session; with none, looks for runs first (the periodic tick calls this). */
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

export function createWeaveApp(options: WeaveAppOptions): WeaveApp {
  // The App's own secrets and the secret-like variables of its environment are never posted (core/safe-text.ts).
  const secretValues = secretValuesOf({ ...(options.env ?? {}), APP_PRIVATE_KEY: options.config.privateKey, WEBHOOK_SECRET: options.config.webhookSecret });
  const rt = createAppRuntime({ config: options.config, now: options.now ?? (() => new Date()), sleep: options.sleep, onError: options.onError, secretValues });
  const heartbeats = createHeartbeats(rt);
  const ticks = createTick(rt);
  let discovery: Promise<void> = Promise.resolve();

  const appFn = (app: Probot): void => {
    rt.load(app);
    app.on("issue_comment.created", onComment(rt));
    app.on("push", onPush(rt));
    app.on("workflow_run.completed", onWorkflowRun(rt));
    app.on("workflow_job.completed", onWorkflowJob(rt));
    app.on("pull_request.closed", onPullClosed(rt));
    app.on("pull_request_review.submitted", onReview(rt));
    app.on("check_run.completed", onCheckCompleted(rt));
    app.on("check_run.requested_action", onButton(rt));
    // A tick at once: after a restart, runs in flight are found without waiting for a webhook (handlers/tick.ts).
    discovery = ticks.tick();
  };

  return {
    appFn,
    heartbeat: heartbeats.handler,
    sessions: rt.sessions,
    tick: () => ticks.tick(),
    heartbeatCalls: heartbeats.calls,
    async idle() {
      await discovery;
      for (;;) {
        const sessions = [...rt.sessions.values()];
        const queued = sessions.map((s) => s.queues.queued());
        await Promise.all(sessions.map((s) => s.queues.idle()));
        if (rt.sessions.size === sessions.length && sessions.every((s, i) => s.queues.queued() === queued[i])) return;
      }
    },
  };
}
