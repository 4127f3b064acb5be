/**
 * Check-run events: `check_run.completed` (another App's check — CI — finished) and `check_run.requested_action` (a
 * person pressed one of a milestone's check-run buttons).
 * Responsibilities: a finished check wakes a reconcile only when a milestone waits for required checks; a button
 * press from someone who may merge is written to the ledger (github/person-requests.ts), then reconcile.
 * Not here: what a button means (core/control.ts via github/person-requests.ts); the buttons themselves
 * (github/check-runs.ts).
 * Invariants: the waiting milestones are looked at inside the repository's queue, so a reconcile that is setting
 * `waitingFor` right now is seen; a button press from anyone without write, maintain or admin changes nothing; a
 * button delivery seen before is not handled again.
 */
import type { Context } from "probot";
import { maySteer } from "../../core/command-permission.js";
import { updateLedger } from "../comment-commands.js";
import { loadLedger } from "../ledger-store.js";
import { applyButton } from "../person-requests.js";
import { mirrorFor } from "../repo-mirror.js";
import { serialise } from "../repo-session.js";
import type { AppRuntime } from "./app-runtime.js";

export function onCheckCompleted(rt: AppRuntime): (context: Context<"check_run.completed">) => Promise<void> {
  return async (context) => {
    const session = rt.sessionOf(context.payload, context.octokit);
    if (!session) return;
    void serialise(session, async () => {
      const client = await rt.clientFor(session);
      session.ledgers.latest ??= (await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client))).ledger;
      if (!Object.values(session.ledgers.latest.milestones).some((r) => r.waitingFor === "checks")) return;
      await rt.reconcileNow(session, client, "checks");
    }).catch((e: unknown) => rt.report(`${session.fullName}: checks`, e));
  };
}

export function onButton(rt: AppRuntime): (context: Context<"check_run.requested_action">) => Promise<void> {
  return async (context) => {
    if (!rt.deliveries.firstTime(context.id)) return;
    const session = rt.sessionOf(context.payload, context.octokit);
    if (!session) return;
    const { check_run: run, requested_action: action, sender } = context.payload;
    const milestone = run.external_id ?? "";
    const identifier = action?.identifier ?? "";
    void serialise(session, async () => {
      const client = await rt.clientFor(session);
      if (!maySteer(await client.permission(sender.login))) return;
      await updateLedger(client, session, (ledger) => applyButton(ledger, milestone, identifier, sender.login, session.plans.current?.plan));
      await rt.reconcileNow(session, client);
    }).catch((e: unknown) => rt.report(`${session.fullName}: check run button`, e));
  };
}
