/**
 * Checkpoint commits: the branch history is the progress record of a milestone.
 * Responsibilities: write commit messages with `Weave-Milestone`, `Weave-Task: n/m`, `Weave-Cost-USD` (and
 * `Weave-Cost-Unknown`) trailers and the notes people sent the agent (and
 * the resolve run's merge commit, `Weave-Resolve: <target>`) and read progress (tasks done, cost so far) back from them.
 * Not here: running git (worker/worker-git.ts), deciding what to run (worker/worker-loop.ts), the trailer
 * syntax itself (core/trailers.ts).
 * Invariants: pure; a task counts as done only through a non-partial `Weave-Task` trailer of its milestone.
 */

import { TRAILER, formatCost, formatTrailers, hasTrailer, matchTrailer, readCost, readTrailer, type TrailerKey } from "../core/trailers.js";

export interface CheckpointInfo {
  milestone: string;
  task: number;
  of: number;
  costUsd: number;
  /** Some attempt of this task did not say what it cost. */
  costUnknown: boolean;
  partial: boolean;
}

export function formatCheckpointMessage(input: {
  milestone: string; task: number; of: number; taskText: string; costUsd: number; costUnknown?: boolean; partial?: boolean; subject?: string;
  /** Instructions people sent (`weave tell`) that this task was given. */
  notes?: string;
}): string {
  const summary = input.taskText.split("\n")[0]!.slice(0, 60);
  const subject = input.subject ?? `weave(${input.milestone}): ${input.partial ? "partial " : ""}task ${input.task}/${input.of} — ${summary}`;
  const trailers = formatTrailers([
    [TRAILER.milestone, input.milestone],
    [TRAILER.task, `${input.task}/${input.of}${input.partial ? " partial" : ""}`],
    [TRAILER.costUsd, formatCost(input.costUsd)],
    ...(input.costUnknown ? [[TRAILER.costUnknown, "true"] as [TrailerKey, string]] : []),
  ]);
  const notes = input.notes ? `Notes given to the agent:\n${input.notes.split("\n").map((l) => `> ${l}`).join("\n")}\n\n` : "";
  return `${subject}\n\n${notes}${trailers}\n`;
}

/** The merge commit of a resolve run (merge.resolve: agent): the target merged into weave/<ID>. */
export function formatResolveMessage(input: { milestone: string; target: string; costUsd: number; conflicted: boolean }): string {
  const subject = input.conflicted ? `weave: resolve conflicts of ${input.milestone} with ${input.target}` : `weave: merge ${input.target} into weave/${input.milestone}`;
  const trailers = formatTrailers([[TRAILER.milestone, input.milestone], [TRAILER.resolve, input.target], [TRAILER.costUsd, formatCost(input.costUsd)]]);
  return `${subject}\n\n${trailers}\n`;
}

/** Cost recorded by a resolve run's merge commit of `milestone`, or undefined when `message` is not one. */
export function parseResolveCost(message: string, milestone: string): number | undefined {
  if (readTrailer(message, TRAILER.milestone) !== milestone || !hasTrailer(message, TRAILER.resolve)) return undefined;
  return readCost(message);
}

/** Trailers of one commit message, or undefined when it is not a checkpoint. */
export function parseCheckpoint(message: string): CheckpointInfo | undefined {
  const milestone = readTrailer(message, TRAILER.milestone);
  const task = matchTrailer(message, TRAILER.task, /(\d+)\/(\d+)( partial)?/);
  if (!milestone || !task) return undefined;
  const costUnknown = matchTrailer(message, TRAILER.costUnknown, /true/) !== undefined;
  return { milestone, task: Number(task[2]), of: Number(task[3]), costUsd: readCost(message), costUnknown, partial: task[4] !== undefined };
}

export interface Progress {
  /** Highest task number completed (0 = none). */
  tasksDone: number;
  /** Cost recorded by all checkpoints of this milestone, partial ones and resolve merges included. */
  costUsd: number;
  /** Some checkpoint's cost was unknown. */
  costUnknown: boolean;
}

/** Progress of `milestone` from commit messages (any order). */
export function progressFrom(messages: readonly string[], milestone: string): Progress {
  let tasksDone = 0;
  let costUsd = 0;
  let costUnknown = false;
  for (const message of messages) {
    const c = parseCheckpoint(message);
    if (!c) costUsd += parseResolveCost(message, milestone) ?? 0;
    if (!c || c.milestone !== milestone) continue;
    costUsd += c.costUsd;
    costUnknown ||= c.costUnknown;
    if (!c.partial) tasksDone = Math.max(tasksDone, c.task);
  }
  return { tasksDone, costUsd, costUnknown };
}
