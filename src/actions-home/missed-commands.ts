/**
 * Missed commands: `/weave …` comments whose own coordinator run never happened (an Actions outage, a run that
 * failed to start, a queue GitHub dropped) are found by the next liveness tick and carried out then, so a lost run
 * costs a command at most a tick, never the command.
 * Responsibilities: the ledger's command cursor (how far back every comment has been looked at, and the ids weave
 * has carried out); which listed comments the tick should carry out; marking one carried out (by its own run or by
 * the tick), so neither does it twice.
 * Not here: listing comments (github/repo-client.ts `recentComments`), carrying one out (github/comment-commands.ts),
 * when the tick runs (actions-home/coordinate.ts).
 * Invariants: pure; a comment is picked only when it is a person's, holds a command line, is not marked, and is old
 * enough that its own run would have come (COMMAND_GRACE_MS); picked oldest first. A new cursor looks back
 * FIRST_LOOK_MS; for a comment from before the ledger kept records (`keptSince`: a new repository, or a weave from
 * before this) weave's `+1` reaction is the only record that it was taken, so a reacted one counts as carried out.
 */
import { parseCommands } from "../core/commands.js";
import type { LedgerCommands } from "../github/ledger-content.js";
import type { ListedComment } from "../github/listed-comment.js";

/**
 * Kept in the ledger (`commands`): `checkedUntil`, every comment created before it has been looked at by a tick;
 * `handled`, the comments carried out, newest last (at most HANDLED_KEPT); `keptSince`, when the ledger began
 * recording them.
 */
export type CommandCursor = LedgerCommands;
export type { ListedComment };


/** A comment younger than this may still have its own coordinator run on the way (GitHub starts it seconds later, or minutes when busy). */
export const COMMAND_GRACE_MS = 3 * 60_000;
/** Looked at again before `checkedUntil`: the runner's clock and GitHub's may differ by this much. */
export const CLOCK_OVERLAP_MS = 5 * 60_000;
/** With no cursor yet, how far back the tick looks. */
export const FIRST_LOOK_MS = 60 * 60_000;
/** Carried-out ids kept: far more than a tick's window holds. */
export const HANDLED_KEPT = 200;

/** A person's comment with at least one `/weave` command line (what the coordinator acts on). */
export function holdsCommand(comment: { body: string; isBot: boolean }): boolean {
  return !comment.isBot && parseCommands(comment.body).length > 0;
}

/** The time the tick lists comments from (`since` is about updates, so it is a superset; `pickMissed` trims it). */
export function lookFrom(cursor: CommandCursor | undefined, now: Date): Date {
  return new Date(cursor ? Date.parse(cursor.checkedUntil) - CLOCK_OVERLAP_MS : now.getTime() - FIRST_LOOK_MS);
}

/**
 * What the tick carries out, oldest first, and how far it has then looked (`handled` gains each as it is done).
 * `complete` false: the listing stopped at its page limit, so only up to its newest comment has been looked at.
 */
export function pickMissed(comments: readonly ListedComment[], cursor: CommandCursor | undefined, now: Date, complete = true): { missed: ListedComment[]; checkedUntil: string } {
  const from = lookFrom(cursor, now).getTime();
  const newest = Math.max(...comments.map((c) => Date.parse(c.createdAt)));
  const until = Math.min(now.getTime() - COMMAND_GRACE_MS, complete || !comments.length ? Infinity : newest);
  const handled = new Set(cursor?.handled ?? []);
  const keptSince = cursor ? Date.parse(cursor.keptSince) : Infinity;
  const missed = comments
    .filter((c) => {
      const created = Date.parse(c.createdAt);
      if (!(created >= from && created <= until) || handled.has(c.id) || !holdsCommand(c)) return false;
      // From before the ledger kept records, weave's reaction is the only record that a comment was taken.
      return created >= keptSince || c.plusOnes === 0;
    })
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id);
  const checkedUntil = new Date(Math.max(until, cursor ? Date.parse(cursor.checkedUntil) : 0)).toISOString();
  return { missed, checkedUntil };
}

/** The cursor a ledger without one starts with: nothing looked at yet in the last FIRST_LOOK_MS. */
export function newCursor(now: Date): CommandCursor {
  return { checkedUntil: new Date(now.getTime() - FIRST_LOOK_MS).toISOString(), handled: [], keptSince: now.toISOString() };
}

/** The cursor with `id` marked carried out (and `checkedUntil` moved, when given). */
export function markHandled(cursor: CommandCursor | undefined, id: number | undefined, now: Date, checkedUntil?: string): CommandCursor {
  const base = cursor ?? newCursor(now);
  const next = id === undefined || base.handled.includes(id) ? base.handled : [...base.handled, id];
  return { ...base, checkedUntil: checkedUntil ?? base.checkedUntil, handled: next.slice(-HANDLED_KEPT) };
}

/** Whether the comment has been carried out already (by its own run, or by a tick before it). */
export function wasHandled(cursor: CommandCursor | undefined, id: number): boolean {
  return cursor?.handled.includes(id) ?? false;
}
