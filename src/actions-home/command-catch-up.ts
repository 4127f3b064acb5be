/**
 * Carrying out `/weave` comments exactly once in the Actions home, whichever coordinator run gets to them: the
 * comment's own run (`issue_comment`), or the liveness tick when that run never happened.
 * Responsibilities: a comment's own run skips a comment the tick already carried out, and marks the one it carries
 * out; the tick lists the comments since the ledger's cursor, carries out the missed ones oldest first (each marked
 * as it is done), and moves the cursor — at most once an hour when nothing was missed, so a quiet repository's tick
 * writes nothing.
 * Not here: which comments are missed (actions-home/missed-commands.ts, pure), what a command does
 * (github/comment-commands.ts), permission (checked there, against GitHub, for every comment carried out).
 * Invariants: a comment is marked only after it was carried out (a pass that dies in between leaves it to the next
 * tick: at least once, never lost); a comment weave marked is never carried out again; marks go through the ledger's
 * compare-and-swap.
 */
import type { CommandDeps, CommentEvent } from "../github/comment-commands.js";
import { handleComment, updateLedger } from "../github/comment-commands.js";
import { loadLedger } from "../github/ledger-store.js";
import type { RepoClient } from "../github/repo-client.js";
import { mirrorFor } from "../github/repo-mirror.js";
import type { RepoSession } from "../github/repo-session.js";
import { holdsCommand, lookFrom, markHandled, pickMissed, wasHandled } from "./missed-commands.js";

/** The cursor is moved by a tick that found nothing missed only when it is older than this (one write an hour). */
export const CURSOR_REFRESH_MS = 60 * 60_000;

/** The comment's own run: carried out unless a tick already did, then marked. */
export async function carryOutComment(session: RepoSession, client: RepoClient, comment: CommentEvent, deps: CommandDeps, log: (line: string) => void): Promise<string[]> {
  if (!holdsCommand(comment)) return handleComment(session, client, comment, deps);
  const cursor = (await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client))).ledger.commands;
  if (wasHandled(cursor, comment.commentId)) {
    log(`weave: comment ${comment.commentId} was carried out already (by a liveness tick, while this run waited): nothing to do`);
    return [];
  }
  const verbs = await handleComment(session, client, comment, deps);
  await updateLedger(client, session, (ledger) => void (ledger.commands = markHandled(ledger.commands, comment.commentId, deps.now())));
  return verbs;
}

/** The tick: every `/weave` comment whose own run never came, carried out now, oldest first. */
export async function catchUpMissedCommands(session: RepoSession, client: RepoClient, depsFor: (issue: number) => CommandDeps, now: () => Date, log: (line: string) => void): Promise<string[]> {
  const cursor = (await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client))).ledger.commands;
  const pages = 3;
  const listed = await client.recentComments(lookFrom(cursor, now()), pages);
  const { missed, checkedUntil } = pickMissed(listed, cursor, now(), listed.length < pages * 100);
  const verbs: string[] = [];
  for (const comment of missed) {
    log(`weave: the /weave comment ${comment.id} on #${comment.issueNumber} had no coordinator run of its own: carrying it out now`);
    verbs.push(...(await handleComment(session, client, { issueNumber: comment.issueNumber, commentId: comment.id, body: comment.body, login: comment.login, isBot: comment.isBot }, depsFor(comment.issueNumber))));
    await updateLedger(client, session, (ledger) => void (ledger.commands = markHandled(ledger.commands, comment.id, now())));
  }
  const stale = !cursor || Date.parse(checkedUntil) - Date.parse(cursor.checkedUntil) >= CURSOR_REFRESH_MS;
  if (missed.length || stale) await updateLedger(client, session, (ledger) => void (ledger.commands = markHandled(ledger.commands, undefined, now(), checkedUntil)));
  return verbs;
}
