/**
 * Durations as users write them: `90s`, `5m`, `1h30m`, `1.5h`, `2d`, or a bare number of seconds.
 * Responsibilities: parse to seconds and format seconds back to the shortest readable form.
 * Not here: where durations appear in the plan (core/plan/schema.ts).
 * Invariants: pure; parse(format(s)) === s for whole seconds; bad input returns undefined, never throws.
 */

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Seconds for a duration string or number, or undefined if it is not one. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
  return total;
}

/** `5400` → `1h30m`; `0.5` → `500ms`; `0` → `0s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "0s";
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  let rest = Math.round(seconds);
  let out = "";
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
