/**
 * Checkpoint commits: the branch history is the progress record of a milestone.
 * Responsibilities: write commit messages with `Weave-Milestone`, `Weave-Task: n/m`, `Weave-Cost-USD` (and
 * `Weave-Cost-Unknown`) trailers and the notes people sent the agent (and
 * the resolve run's merge commit, `Weave-Resolve: <target>`) and read progress (tasks done, cost so far) back from them.
 * Not here: running git (worker/worker-git.ts), deciding what to run (worker/worker-loop.ts).
 * Invariants: pure; a task counts as done only through a non-partial `Weave-Task` trailer of its milestone.
 */

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
  const trailers = [
    `Weave-Milestone: ${input.milestone}`,
    `Weave-Task: ${input.task}/${input.of}${input.partial ? " partial" : ""}`,
    `Weave-Cost-USD: ${input.costUsd.toFixed(4)}`,
    ...(input.costUnknown ? ["Weave-Cost-Unknown: true"] : []),
  ];
  const notes = input.notes ? `Notes given to the agent:\n${input.notes.split("\n").map((l) => `> ${l}`).join("\n")}\n\n` : "";
  return `${subject}\n\n${notes}${trailers.join("\n")}\n`;
}

/** The merge commit of a resolve run (merge.resolve: agent): the target merged into weave/<ID>. */
export function formatResolveMessage(input: { milestone: string; target: string; costUsd: number; conflicted: boolean }): string {
  const subject = input.conflicted ? `weave: resolve conflicts of ${input.milestone} with ${input.target}` : `weave: merge ${input.target} into weave/${input.milestone}`;
  const trailers = [`Weave-Milestone: ${input.milestone}`, `Weave-Resolve: ${input.target}`, `Weave-Cost-USD: ${input.costUsd.toFixed(4)}`];
  return `${subject}\n\n${trailers.join("\n")}\n`;
}

/** Cost recorded by a resolve run's merge commit of `milestone`, or undefined when `message` is not one. */
export function parseResolveCost(message: string, milestone: string): number | undefined {
  if (/^Weave-Milestone: *(\S+) *$/m.exec(message)?.[1] !== milestone || !/^Weave-Resolve: *\S+/m.test(message)) return undefined;
  const cost = Number(/^Weave-Cost-USD: *([0-9.]+) *$/m.exec(message)?.[1] ?? 0);
  return Number.isFinite(cost) ? cost : 0;
}

/** Trailers of one commit message, or undefined when it is not a checkpoint. */
export function parseCheckpoint(message: string): CheckpointInfo | undefined {
  const milestone = /^Weave-Milestone: *(\S+) *$/m.exec(message)?.[1];
  const task = /^Weave-Task: *(\d+)\/(\d+)( partial)? *$/m.exec(message);
  if (!milestone || !task) return undefined;
  const cost = Number(/^Weave-Cost-USD: *([0-9.]+) *$/m.exec(message)?.[1] ?? 0);
  const costUnknown = /^Weave-Cost-Unknown: *true *$/m.test(message);
  return { milestone, task: Number(task[1]), of: Number(task[2]), costUsd: Number.isFinite(cost) ? cost : 0, costUnknown, partial: task[3] !== undefined };
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
