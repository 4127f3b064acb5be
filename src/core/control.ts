/**
 * Control: what a person's stop, pause, resume, merge or retry does to a run's milestones — one meaning for every
 * home and every way of asking (local `weave stop|pause|resume|merge`, `/weave …` comments, check-run buttons).
 * Responsibilities: from the milestones' records and one command, the record changes (a signal to a live worker, a
 * lifecycle move, a merge request) and one reply per milestone: what was done, or a refusal as a WeaveError with
 * its code and words; the same wording everywhere, a home only choosing how a command is spelled there.
 * Not here: applying the changes (local/run-actions.ts, github/comment-commands.ts, github/person-requests.ts),
 * signalling or cancelling workers, who may ask, parsing commands (core/commands.ts), merging itself.
 * Invariants: pure — the records are never mutated; every move it asks for is legal in core/lifecycle.ts; named
 * milestones get a reply each, unnamed ones only when something was done (or their verify failed, for merge); a
 * refusal changes nothing for that milestone.
 */
import { WeaveError } from "./errors.js";
import { WORKER_HELD_STATES, canTransition } from "./lifecycle.js";
import type { MilestoneState } from "./lifecycle.js";

export const CONTROL_VERBS = ["stop", "pause", "resume", "merge", "retry"] as const;
/** `retry` is the check-run button: `resume` of the one milestone it belongs to. */
export type ControlVerb = (typeof CONTROL_VERBS)[number];

/** What control reads of a milestone's record (both homes' records have these fields). */
export interface ControlledRecord {
  state: MilestoneState;
  verify?: { state: string };
}

export interface ControlInput {
  verb: ControlVerb;
  /** The milestones named; empty = every milestone of the run. */
  ids: readonly string[];
  /** `merge --force`: past a strict scope check or a failed verify. */
  force?: boolean;
  /** Who asked (a GitHub login), for the reasons recorded; absent locally. */
  by?: string;
  /** The run's records by milestone id; undefined when there is no run yet. */
  records: Readonly<Record<string, ControlledRecord>> | undefined;
  /** Every milestone id of the plan, in plan order. */
  order: readonly string[];
  /** A milestone's direct dependencies (resume of a skipped milestone looks for the failure behind it). */
  dependsOn(id: string): readonly string[];
  /** How a command is spelled in this home: locally `weave resume x`, on GitHub `/weave resume x`. */
  spell(command: string): string;
}

/** One milestone's change; absent fields stay as they are. */
export interface ControlChange {
  id: string;
  /** Tell the live worker (its heartbeat reply or signal file); a stop also ends its process or run. */
  signal?: "pause" | "stop";
  /** A lifecycle move, with the reason to record. */
  move?: { to: MilestoneState; reason: string };
  /** Resume: requeues back to 0 and any pending pause/stop signal dropped. */
  restart?: true;
  /** Merge: the milestone is to land now (and any earlier merge refusal is cleared). */
  mergeRequested?: true;
  forceMerge?: true;
}

export type ControlReply = { id: string; done: string } | { id: string; refused: WeaveError };

export interface ControlResult {
  /** The whole command was refused (no run yet): nothing changes. */
  refused?: WeaveError;
  changes: ControlChange[];
  replies: ControlReply[];
  /** A resume lifts the run's budget stop (the person decided to go on). */
  clearBudgetStop: boolean;
}

const STOPPABLE_IDLE: ReadonlySet<MilestoneState> = new Set(["pending", "eligible", "paused"]);
const MERGEABLE: ReadonlySet<MilestoneState> = new Set(["finished", "conflict", "merging"]);

export function controlMilestones(input: ControlInput): ControlResult {
  const result: ControlResult = { changes: [], replies: [], clearBudgetStop: false };
  const { records } = input;
  if (!records) {
    return { ...result, refused: new WeaveError("no-run", `No run yet: say \`${input.spell("start")}\` first.`) };
  }
  const named = input.ids.length > 0;
  const verb = input.verb === "retry" ? "resume" : input.verb;
  const why = (done: string, asked: string): string => (input.by ? `${done} by @${input.by}` : `${asked} requested`);
  const nothing = (id: string, state: MilestoneState): void => {
    if (named) result.replies.push({ id, refused: new WeaveError("not-applicable", `${state} — nothing to ${input.verb}`) });
  };
  for (const id of named ? input.ids : input.order) {
    const r = records[id];
    if (!r) {
      if (named) result.replies.push({ id, refused: new WeaveError("unknown-milestone", `not in this run (the plan gained it after the run started)`, { hint: `\`${input.spell("start")}\` once the run has settled` }) });
      continue;
    }
    const done = (text: string, change?: Omit<ControlChange, "id">): void => {
      if (change) result.changes.push({ id, ...change });
      result.replies.push({ id, done: text });
    };
    switch (verb) {
      case "stop":
      case "pause":
        if (WORKER_HELD_STATES.has(r.state)) done(verb === "stop" ? "stopping" : "pausing after the task in flight", { signal: verb });
        else if (verb === "stop" && STOPPABLE_IDLE.has(r.state)) done(`stopped; \`${input.spell(`resume ${id}`)}\` starts it again`, { move: { to: "stopped", reason: why("stopped", "stop") } });
        else nothing(id, r.state);
        break;
      case "resume":
        if (r.state === "paused" || r.state === "stopped" || (r.state === "failed" && named)) {
          result.clearBudgetStop = true;
          done("will resume from its last checkpoint", { move: { to: "eligible", reason: why(input.verb === "retry" ? "retried" : "resumed", input.verb) }, restart: true });
        } else if (r.state === "skipped" && named) {
          const failed = failedAncestors(input, records, id);
          if (failed.length > 0) {
            result.replies.push({ id, refused: new WeaveError("skipped-by-failure", `skipped because ${failed.join(", ")} failed; \`${input.spell(`resume ${failed[0]}`)}\` first`) });
          } else done("no longer skipped; it starts once its dependencies merge", { move: { to: "pending", reason: why(input.verb === "retry" ? "retried" : "resumed", input.verb) } });
        } else nothing(id, r.state);
        break;
      case "merge":
        if (MERGEABLE.has(r.state)) {
          // `merging` outside a merge in progress is what a lost merge leaves (a coordinator that died mid-merge, a PR
          // left in a queue): asked again, it is merged again; merging is repeat-safe (git tells what already landed).
          done("merging", {
            ...(r.state === "merging" ? { move: { to: "finished" as const, reason: why("merge asked again", "merge") } } : {}),
            mergeRequested: true, ...(input.force ? { forceMerge: true as const } : {}),
          });
        } else if (r.state === "failed" && r.verify?.state === "failed") {
          if (input.force) done("merging despite its failed verify (--force)", { mergeRequested: true, forceMerge: true });
          else result.replies.push({ id, refused: new WeaveError("verify-failed", `its last verify failed; \`${input.spell(`merge ${id} --force`)}\` lands it anyway`) });
        } else nothing(id, r.state);
        break;
    }
  }
  for (const c of result.changes) {
    if (c.move && !canTransition(records[c.id]!.state, c.move.to)) throw new WeaveError("internal", `control asked for an illegal move of ${c.id}: ${records[c.id]!.state} → ${c.move.to}`);
  }
  return result;
}

/** A reply as one line: `done` text, or the refusal's words. */
export function replyText(reply: ControlReply): string {
  return "done" in reply ? reply.done : `${reply.refused.message}${reply.refused.hint ? ` (${reply.refused.hint})` : ""}`;
}

/** Failed milestones `id` depends on, directly or through others, in the order first met. */
function failedAncestors(input: ControlInput, records: Readonly<Record<string, ControlledRecord>>, id: string): string[] {
  const seen = new Set<string>();
  const failed: string[] = [];
  const walk = (of: string): void => {
    for (const dep of input.dependsOn(of)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (records[dep]?.state === "failed") failed.push(dep);
      walk(dep);
    }
  };
  walk(id);
  return failed;
}
