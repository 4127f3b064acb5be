/**
 * What the post step reports, and for how long it tries: the main step's final report again when the App did not
 * acknowledge it, or — when the main step ended without one (killed, e.g. out of memory, or crashed) — `died`, which
 * the App requeues within `retries` like a job that went silent, resuming from the branch's checkpoint.
 * Also the ids of the `/weave tell` notes the main step saved as taken (Actions mode: they ride on the final report).
 * Not here: sending (action/https-reporter.ts), the entry (action/post.ts).
 * Invariants: pure; the post step never claims `stopped` or `paused` on its own: only a person's stop or pause (told
 * to the worker, which reports it) ends there.
 */
import { z } from "zod";
import type { WorkerStatus } from "../ports/reporter.js";
import { FINAL_STATES } from "./https-reporter.js";
import { NOTES_SEEN_SENT } from "./note-inbox.js";

export const DIED_REASON = "the job's main step ended without a final report (killed, e.g. out of memory, or crashed)";

export function postStepReport(last: WorkerStatus | null, context: { milestone: string; runId: string; now: Date }): WorkerStatus {
  if (last && last.milestone === context.milestone && FINAL_STATES.has(last.state)) return last;
  const base: WorkerStatus = last && last.milestone === context.milestone
    ? last
    : { milestone: context.milestone, runId: context.runId, state: "died", tasksDone: 0, tasks: 0, costUsd: 0, pid: 0, startedAt: context.now.toISOString(), updatedAt: context.now.toISOString() };
  return { ...base, state: "died", error: DIED_REASON, currentTask: undefined, currentTaskText: undefined, taskPid: undefined, updatedAt: context.now.toISOString() };
}

const NotesSeen = z.array(z.string().min(1).max(64)).max(NOTES_SEEN_SENT);

/**
 * The ids of the `/weave tell` notes the main step took (its saved state `notes-seen`, a JSON array), for the final
 * report's acknowledgement; anything else reads as none (the state is the job's word, like the report itself).
 */
export function readNotesSeen(saved: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(saved);
  } catch {
    return [];
  }
  const parsed = NotesSeen.safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** Delays between the post step's tries (ms); the last one repeats. */
export const POST_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 15_000];
/** Longest the post step keeps trying when the App was reached before (and the plan's heartbeat_timeout is longer). */
export const MAX_POST_WINDOW_SEC = 600;
/** When the App was never reached in this job (likely a wrong `app-url`), a short try only. */
export const UNREACHED_POST_WINDOW_SEC = 3;

/**
 * How long the post step tries: as long as the App waits for a silent job (the plan's `heartbeat_timeout`, at most
 * 10 minutes) when the App answered this job before; briefly when it never did.
 */
export function postWindowSec(appReached: boolean, heartbeatTimeoutSec: number | undefined): number {
  if (!appReached) return UNREACHED_POST_WINDOW_SEC;
  return Math.min(MAX_POST_WINDOW_SEC, heartbeatTimeoutSec !== undefined && heartbeatTimeoutSec > 0 ? heartbeatTimeoutSec : 300);
}
