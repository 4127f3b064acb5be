/**
 * Trailers: the `Weave-*` lines weave writes at the end of its commit messages and reads back.
 * Responsibilities: the trailer keys, formatting a message's trailer block, reading one trailer's value, and the
 * trailer set of a merge-back commit (`Weave-Merged`, `Weave-Milestone`, `Weave-Cost-USD`).
 * Not here: what a checkpoint or resolve message says around them (worker/checkpoint.ts), running git.
 * Invariants: pure; a trailer is a whole line `Key: value` (spaces after the colon and at the end ignored);
 * costs are written with four decimals.
 */

export const TRAILER = {
  merged: "Weave-Merged",
  milestone: "Weave-Milestone",
  task: "Weave-Task",
  costUsd: "Weave-Cost-USD",
  costUnknown: "Weave-Cost-Unknown",
  resolve: "Weave-Resolve",
} as const;

export type TrailerKey = (typeof TRAILER)[keyof typeof TRAILER];

/** `Key: value` lines, one per entry, in order. */
export function formatTrailers(entries: readonly (readonly [TrailerKey, string])[]): string {
  return entries.map(([key, value]) => `${key}: ${value}`).join("\n");
}

/** A cost as weave writes it in `Weave-Cost-USD`. */
export function formatCost(costUsd: number): string {
  return costUsd.toFixed(4);
}

/**
 * The value of the first `key` trailer whose whole value matches `value` (default: one token without spaces), or
 * undefined. With capture groups in `value`, the returned match's groups are the caller's.
 */
export function matchTrailer(message: string, key: TrailerKey, value: RegExp = /\S+/): RegExpExecArray | undefined {
  return new RegExp(`^${key}: *(${value.source}) *$`, "m").exec(message) ?? undefined;
}

/** The first `key` trailer's value (one token), or undefined. */
export function readTrailer(message: string, key: TrailerKey): string | undefined {
  return matchTrailer(message, key)?.[1];
}

/** Whether `message` has a `key` trailer with any value. */
export function hasTrailer(message: string, key: TrailerKey): boolean {
  return new RegExp(`^${key}: *\\S+`, "m").test(message);
}

/** `Weave-Cost-USD` of `message` in dollars; 0 when absent or unreadable. */
export function readCost(message: string): number {
  const cost = Number(matchTrailer(message, TRAILER.costUsd, /[0-9.]+/)?.[1] ?? 0);
  return Number.isFinite(cost) ? cost : 0;
}

/** The trailer block of the commit that merges milestone `id` back into its target (both homes write it). */
export function mergeTrailers(id: string, costUsd: number): string {
  return formatTrailers([[TRAILER.merged, id], [TRAILER.milestone, id], [TRAILER.costUsd, formatCost(costUsd)]]);
}
