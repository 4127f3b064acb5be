/**
 * The one way a plan is refused: every problem found, sorted by position, in a single WeaveError("plan-invalid").
 * Responsibilities: `failPlan` (sort, count, throw) and `locationAt` (a text offset → file:line:col).
 * Not here: finding problems (plan-text.ts, yaml-syntax.ts, schema-problems.ts, validate-graph.ts); rendering them
 * (core/render/error-render.ts).
 * Invariants: pure; throws nothing but WeaveError("plan-invalid"); lines and columns count from 1.
 */
import { WeaveError } from "../errors.js";
import type { Problem, SourceLocation } from "../errors.js";

/** Throws WeaveError("plan-invalid") listing `problems`, the first by position in the error's own location. */
export function failPlan(file: string, problems: readonly Problem[]): never {
  const sorted = [...problems].sort(
    (a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
  const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
  throw new WeaveError("plan-invalid", `${file} is not a valid plan: ${count}`, {
    problems: sorted,
    hint: "fix the problems listed, then run `weave plan check`",
    location: sorted[0]?.location,
  });
}

/** Offsets where each line of `text` starts (the first is 0). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The line and column of `offset`, by binary search in `lineStarts`. */
export function locationAt(file: string, lineStarts: readonly number[], offset: number): SourceLocation {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}
