/**
 * Heartbeats: what the App does with a job's accepted heartbeat (the endpoint itself is github/heartbeat-endpoint.ts).
 * Responsibilities: find the session of the job's repository (asking GitHub for the App's installation there when
 * this process has none, then reading the ledger), the facts a token is pinned to; then, per heartbeat: a run whose
 * live cost crosses the plan's ceiling is told to stop (or pause, with `budget_action: drain`) at once and a reconcile
 * records it; a worker that started or ended wakes a reconcile; progress alone updates the check run, at most once per
 * `checkRunIntervalSeconds`, on the publish chain.
 * Not here: verifying the token and the body (github/heartbeat-endpoint.ts); the budget sum (github/budget-reach.ts).
 * Invariants: a progress update never reopens a completed check run; no reconcile is woken by progress alone.
 */
import { FINAL_WORKER_STATES } from "../../ports/reporter.js";
import type { WorkerSignal, WorkerStatus } from "../../ports/reporter.js";
import { isBudgetCrossing } from "../budget-reach.js";
import { checkRunUpdate } from "../check-runs.js";
import { createHeartbeatHandler } from "../heartbeat-endpoint.js";
import { loadLedger } from "../ledger-store.js";
import { loadPlan } from "../plan-source.js";
import { mirrorFor } from "../repo-mirror.js";
import type { RepoSession } from "../repo-session.js";
import { publishLater } from "../repo-session.js";
import { seedDispatches } from "../run-watch.js";
import type { AppRuntime } from "./app-runtime.js";

/** True when live heartbeats put the run's cost at or over the plan's ceiling and the ledger does not know yet. */
export function crossesBudget(session: RepoSession): boolean {
  const ledger = session.ledgers.latest;
  return ledger !== undefined && isBudgetCrossing(ledger, session.heartbeats, session.plans.current?.plan.budget_ceiling);
}

export interface Heartbeats {
  handler: ReturnType<typeof createHeartbeatHandler>;
  /** API calls made for heartbeats (their check-run progress updates), apart from everything else (benchmarks). */
  calls(): number;
}

export function createHeartbeats(rt: AppRuntime): Heartbeats {
  let calls = 0;
  const { config, now } = rt;

  /** The session of an installed repository, or undefined when the App is not installed there. */
  const sessionFor = async (fullName: string): Promise<RepoSession | undefined> => {
    let session = rt.sessions.get(fullName);
    const probot = rt.probot();
    if (!session && probot) {
      const [owner = "", repo = ""] = fullName.split("/");
      const app = await probot.auth();
      const installation = await app.request("GET /repos/{owner}/{repo}/installation", { owner, repo }).catch(() => undefined);
      if (!installation?.data.id) return undefined;
      session = rt.sessionFor(fullName, installation.data.id);
    }
    if (session && !session.ledgers.latest) {
      const client = await rt.clientFor(session);
      session.ledgers.latest = (await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client))).ledger;
    }
    // Dispatches whose run GitHub did not name (a 204, a lost answer) are known by their ids, after a restart too.
    if (session?.ledgers.latest) seedDispatches(session, session.ledgers.latest);
    return session;
  };

  const onHeartbeat = (session: RepoSession, milestone: string, status: WorkerStatus, changed: boolean): WorkerSignal | undefined => {
    if (crossesBudget(session)) {
      // Tell this worker now; the reconcile records the stop for everyone (writes take a while).
      void rt.reconcile(session, "heartbeat");
      return session.plans.current?.plan.budget_action === "drain" ? "pause" : "stop";
    }
    // A worker that started or ended (finished, failed, paused, stopped, died) changes its milestone's state, and a run
    // whose id the ledger lacks is learnt from its first heartbeat: reconcile now. Progress alone does not.
    const known = session.ledgers.latest?.milestones[milestone];
    const starts = known?.state === "claimed" || (known !== undefined && known.runId === undefined);
    if (changed && (starts || FINAL_WORKER_STATES.has(status.state))) {
      void rt.reconcile(session, "heartbeat");
      return undefined;
    }
    const last = session.published.checkRunUpdatedAt.get(milestone) ?? 0;
    if (!known?.checkRunId || now().getTime() - last < config.checkRunIntervalSeconds * 1000) return undefined;
    session.published.checkRunUpdatedAt.set(milestone, now().getTime());
    void publishLater(session, async () => {
      // Look again when it is this update's turn: a publish queued before it may have completed the check run,
      // and a progress update must never reopen a completed one.
      const current = session.ledgers.latest?.milestones[milestone];
      // Not WORKER_HELD_STATES (core/lifecycle.ts): a stale record shows progress again only once the reconcile has
      // taken the heartbeat and moved it back to running.
      if (!current?.checkRunId || !["claimed", "running"].includes(current.state) || session.published.checkRuns.get(milestone)?.startsWith("completed")) return;
      const client = await rt.clientFor(session);
      const plan = await loadPlan(session, client);
      const m = plan.milestones.find((x) => x.id === milestone);
      if (!m) return;
      const live = { ...current, state: "running" as const, tasksDone: status.tasksDone, costUsd: status.costUsd, costUnknown: current.costUnknown || status.costUnknown || undefined, lastHeartbeat: now().toISOString(), verify: status.verify };
      await client.updateCheckRun(current.checkRunId, checkRunUpdate(m, live, now()));
      calls += 1;
    }).catch((e: unknown) => rt.report(`${session.fullName}: check run progress`, e));
    return undefined;
  };

  const handler = createHeartbeatHandler({
    issuer: config.oidcIssuer,
    workflowFile: config.workflowFile,
    now,
    async repoFacts(session) {
      const client = await rt.clientFor(session);
      return { repositoryId: session.ledgers.latest?.run?.repositoryId, defaultBranch: await client.defaultBranch() };
    },
    sessionFor,
    onHeartbeat,
  });
  return { handler, calls: () => calls };
}
