/**
 * Comment commands: `/weave start|status|stop|pause|resume|merge|doctor|help` said on an issue or PR.
 * Responsibilities: only people with write, maintain or admin permission (one polite refusal for anyone else;
 * bots ignored), a reaction when a command is taken, the plan from the default branch (errors with file, line,
 * column), the eligibility report and tracking issue on start, and control requests written to the ledger (what
 * stop, pause, resume and merge mean is core/control.ts, applied by github/person-requests.ts).
 * Not here: parsing (core/commands.ts), running the plan (github/reconcile-repo.ts).
 * Invariants: every ledger change goes through a CAS update; a refused command changes nothing.
 */
import { randomBytes } from "node:crypto";
import { maySteer } from "../core/command-permission.js";
import { COMMAND_HELP, parseCommands, renderCommandProblems } from "../core/commands.js";
import { controlMilestones, replyText } from "../core/control.js";
import type { WeaveCommand } from "../core/commands.js";
import { findEligibility } from "../core/eligibility.js";
import { isWeaveError } from "../core/errors.js";
import type { MilestoneState } from "../core/lifecycle.js";
import { SETTLED_STATES } from "../core/lifecycle.js";
import type { Plan } from "../core/plan/plan.js";
import { findMilestone } from "../core/plan/plan.js";
import { renderEligibilityMarkdown } from "../core/render/eligibility-report.js";
import { renderErrorMarkdown } from "../core/render/error-render.js";
import type { Ledger } from "./ledger.js";
import { emptyLedger } from "./ledger.js";
import { loadLedger, saveLedger } from "./ledger-store.js";
import { applyControl } from "./person-requests.js";
import { mirrorFor } from "./repo-mirror.js";
import { loadPlan } from "./plan-source.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoSession } from "./repo-session.js";
import { renderStatusComment } from "./status-comment.js";

export interface CommentEvent {
  issueNumber: number;
  commentId: number;
  body: string;
  login: string;
  isBot: boolean;
}

export interface CommandDeps {
  now: () => Date;
  reconcile(): Promise<void>;
  refreshComment(): Promise<void>;
  doctor(fix: boolean): Promise<string>;
}

/** Handles one comment; returns the verbs it carried out (for logs and tests). */
export async function handleComment(session: RepoSession, client: RepoClient, event: CommentEvent, deps: CommandDeps): Promise<string[]> {
  if (event.isBot || !/\/weave\b/i.test(event.body)) return [];
  const first = parseCommands(event.body)[0];
  if (!first) return [];
  if (!maySteer(await client.permission(event.login))) {
    await client.createComment(event.issueNumber, `@${event.login} thanks — weave commands can only be run by people with write access to this repository, so I have not acted on this one.`);
    return [];
  }
  let plan: Plan;
  try {
    plan = await loadPlan(session, client, true);
  } catch (e) {
    if (!isWeaveError(e)) throw e;
    await client.createComment(event.issueNumber, renderErrorMarkdown(e));
    return [];
  }
  const done: string[] = [];
  const results = parseCommands(event.body, plan.milestones.map((m) => m.id));
  // Every command not understood gets one reply between them, however many there are.
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 1) await client.createComment(event.issueNumber, bad[0]!.reply);
  else if (bad.length > 1) await client.createComment(event.issueNumber, renderCommandProblems(bad));
  for (const result of results) {
    if (!result.ok) continue;
    await client.react(event.commentId, "+1");
    await runCommand(session, client, plan, event, result.command, deps);
    done.push(result.command.verb);
  }
  return done;
}

async function runCommand(session: RepoSession, client: RepoClient, plan: Plan, event: CommentEvent, command: WeaveCommand, deps: CommandDeps): Promise<void> {
  const ids = command.ids.length ? command.ids : plan.milestones.map((m) => m.id);
  switch (command.verb) {
    case "help":
      await client.createComment(event.issueNumber, COMMAND_HELP);
      return;
    case "doctor":
      await client.createComment(event.issueNumber, await deps.doctor(command.flags.includes("--fix")));
      return;
    case "status":
      await deps.reconcile();
      await deps.refreshComment();
      return;
    case "start":
      await start(session, client, plan, event, deps);
      return;
    case "tell":
      await tell(session, client, event, command, deps.now());
      return;
  }
  const verb = command.verb; // stop, pause, resume or merge: what each means is core/control.ts
  const lines: string[] = [];
  await updateLedger(client, session, (ledger) => {
    lines.length = 0;
    const result = controlMilestones({
      verb, ids: command.ids, force: command.flags.includes("--force"), by: event.login, records: ledger.run ? ledger.milestones : undefined,
      order: plan.milestones.map((m) => m.id), dependsOn: (id) => findMilestone(plan, id)?.depends_on ?? [], spell: (c) => `/weave ${c}`,
    });
    if (result.refused) return void lines.push(result.refused.message);
    applyControl(ledger, result);
    lines.push(...result.replies.map((reply) => `- **${reply.id}**: ${replyText(reply)}`));
  });
  if (command.verb === "stop") {
    for (const id of ids) {
      const runId = session.ledgers.latest?.milestones[id]?.runId;
      if (runId && session.ledgers.latest?.milestones[id]?.signal === "stop") await client.cancelRun(runId);
    }
  }
  await client.createComment(event.issueNumber, lines.length ? lines.join("\n") : `Nothing to ${command.verb}.`);
  await deps.reconcile();
}

/** Most notes a milestone holds before its worker takes them. */
export const PENDING_NOTES_CAP = 20;

/**
 * `/weave tell ID text`: the note joins the milestone's record in the ledger; heartbeat replies carry it to the
 * worker, which takes it with its next task; it leaves the ledger once the worker says it took it.
 */
async function tell(session: RepoSession, client: RepoClient, event: CommentEvent, command: WeaveCommand, now: Date): Promise<void> {
  const id = command.ids[0]!;
  let line = "";
  await updateLedger(client, session, (ledger) => {
    const r = ledger.run ? ledger.milestones[id] : undefined;
    if (!r) return void (line = "No run yet: say `/weave start` first.");
    if (SETTLED_STATES.has(r.state) && r.state !== "stopped" && r.state !== "failed") return void (line = `- **${id}**: ${r.state} — it runs no more tasks, so there is no one to tell.`);
    const notes = r.notes ?? [];
    if (notes.length >= PENDING_NOTES_CAP) return void (line = `- **${id}**: already holds ${notes.length} notes its worker has not taken yet; try again after its next task.`);
    r.notes = [...notes, { id: randomBytes(6).toString("hex"), text: command.text!.replace(/\s+/g, " ").trim(), by: event.login, at: now.toISOString() }];
    line = `- **${id}**: will get this with its next task${r.state === "running" || r.state === "claimed" ? "" : ` (it is ${r.state} now)`}`;
  });
  await client.createComment(event.issueNumber, line);
}

async function start(session: RepoSession, client: RepoClient, plan: Plan, event: CommentEvent, deps: CommandDeps): Promise<void> {
  const current = await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client));
  const run = current.ledger.run;
  if (run && Object.values(current.ledger.milestones).some((r) => !SETTLED_STATES.has(r.state) && r.state !== "pending" && r.state !== "eligible")) {
    await client.createComment(event.issueNumber, `A weave run is already in progress (tracking #${run.trackingIssue}). \`/weave status\` shows it.`);
    return;
  }
  const states = new Map<string, MilestoneState>(Object.entries(current.ledger.milestones).map(([id, r]) => [id, r.state === "merged" ? "merged" : "pending"]));
  await client.createComment(event.issueNumber, renderEligibilityMarkdown(findEligibility(plan, states)));
  const target = plan.target ?? (await client.defaultBranch());
  const placeholder: Ledger = { ...emptyLedger(), run: { id: randomBytes(4).toString("hex"), trackingIssue: event.issueNumber, startedBy: event.login, startedAt: deps.now().toISOString(), target, budgetStopped: false }, milestones: {} };
  const commentId = await client.createComment(event.issueNumber, renderStatusComment(plan, placeholder, deps.now()));
  await updateLedger(client, session, (ledger) => {
    ledger.run = { ...placeholder.run!, commentId };
    for (const m of plan.milestones) {
      const before = ledger.milestones[m.id];
      ledger.milestones[m.id] = before?.state === "merged" ? before : { state: "pending", attempts: 0, requeues: 0, tasks: m.tasks.length, tasksDone: 0, costUsd: 0 };
    }
  });
  session.published.comment = undefined;
  await deps.reconcile();
}

/** Read–modify–write of the ledger with compare-and-swap, retried when someone else wrote in between. */
export async function updateLedger(client: RepoClient, session: RepoSession, mutate: (ledger: Ledger) => void): Promise<Ledger> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const mirror = await mirrorFor(session, client);
    const base = await loadLedger(client, session.ledgers.guard, mirror);
    const ledger = structuredClone(base.ledger);
    mutate(ledger);
    // A distrusted head is written over even when nothing changed (github/ledger.ts).
    if (!base.distrusted && JSON.stringify(ledger) === JSON.stringify(base.ledger)) {
      session.ledgers.latest = ledger;
      return ledger;
    }
    // Heartbeat replies read the session's ledger: let workers hear a pause or stop before the write lands.
    session.ledgers.latest = ledger;
    const written = await saveLedger(client, session.ledgers.guard, base, ledger, "command", mirror);
    if (written) {
      session.ledgers.latest = written.ledger;
      session.ledgers.version = written;
      return written.ledger;
    }
  }
  throw new Error(`the weave ledger of ${client.fullName} kept changing; try again`);
}
