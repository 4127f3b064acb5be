/**
 * Glob overlap: can two path patterns (`src/auth/**`, `src/*.ts`, `docs/{a,b}.md`) ever name the same file?
 * Responsibilities: segment-wise intersection of two globs (`**` spans segments), literal prefixes for indexing.
 * Not here: deciding which pairs to compare (core/plan/file-overlap.ts).
 * Invariants: pure; never a false "no" for `**`, `*`, `?` and braces; classes and extglobs are compared conservatively (may say "yes").
 */
import picomatch from "picomatch";

const MAGIC = /[*?[\]{}()!+@]/;
const MAX_EXPANSIONS = 64;

export function isGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** `./src//auth/` → `src/auth`. */
export function normalizePattern(pattern: string): string {
  return pattern.trim().replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/{2,}/g, "/").replace(/\/$/, "");
}

/** Leading segments without glob characters: the part of the tree a pattern is confined to. */
export function literalPrefix(pattern: string): string[] {
  const out: string[] = [];
  for (const segment of pattern.split("/")) {
    if (MAGIC.test(segment)) break;
    out.push(segment);
  }
  return out;
}

/** `a/{b,c}/d` → [`a/b/d`, `a/c/d`]; nested braces expand; stops at 64 alternatives. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf("{");
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) {
      close = i;
      break;
    } else if (c === "," && depth === 1) commas.push(i);
  }
  if (close < 0 || commas.length === 0) return [pattern];
  const cuts = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < cuts.length && out.length < MAX_EXPANSIONS; k++) {
    const alternative = pattern.slice(0, open) + pattern.slice(cuts[k]! + 1, cuts[k + 1]) + pattern.slice(close + 1);
    out.push(...expandBraces(alternative));
  }
  return out.slice(0, MAX_EXPANSIONS);
}

function literalEnds(segment: string): [string, string] {
  const first = segment.search(MAGIC);
  let last = segment.length;
  while (last > 0 && !MAGIC.test(segment[last - 1]!)) last--;
  return [segment.slice(0, first), segment.slice(last)];
}

/** Can one path segment match both patterns? */
function segmentsIntersect(a: string, b: string): boolean {
  if (a === b || a === "*" || b === "*") return true;
  const aMagic = MAGIC.test(a);
  const bMagic = MAGIC.test(b);
  if (!aMagic && !bMagic) return false;
  if (!aMagic) return picomatch.isMatch(a, b, { dot: true });
  if (!bMagic) return picomatch.isMatch(b, a, { dot: true });
  const [aHead, aTail] = literalEnds(a);
  const [bHead, bTail] = literalEnds(b);
  return (aHead.startsWith(bHead) || bHead.startsWith(aHead)) && (aTail.endsWith(bTail) || bTail.endsWith(aTail));
}

function splitIntersect(a: readonly string[], b: readonly string[]): boolean {
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  const width = b.length + 1;
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    if (x === "**") {
      stack.push([i + 1, j]);
      if (j < b.length) stack.push([i, j + 1]);
    }
    if (y === "**") {
      stack.push([i, j + 1]);
      if (i < a.length) stack.push([i + 1, j]);
    }
    if (x !== undefined && y !== undefined && x !== "**" && y !== "**" && segmentsIntersect(x, y)) stack.push([i + 1, j + 1]);
  }
  return false;
}

/** A literal that names a directory: `src/auth/` or `src/auth` (no extension in its last segment). */
function isDirectoryLike(raw: string, pattern: string): boolean {
  if (isGlob(pattern)) return false;
  return /\/\s*$/.test(raw) || !(pattern.split("/").pop() ?? "").includes(".");
}

/** True when some file path could match both patterns. A directory path also covers everything below it. */
export function globsOverlap(a: string, b: string): boolean {
  for (const x of expandBraces(normalizePattern(a))) {
    for (const y of expandBraces(normalizePattern(b))) {
      const xs = x.split("/");
      const ys = y.split("/");
      if (splitIntersect(xs, ys)) return true;
      // `src/auth` (a directory) covers `src/auth/login.ts`.
      if (isDirectoryLike(a, x) && splitIntersect([...xs, "**"], ys)) return true;
      if (isDirectoryLike(b, y) && splitIntersect(xs, [...ys, "**"])) return true;
    }
  }
  return false;
}

/** The narrower of two overlapping patterns: what to show as "shared". */
export function narrowerPattern(a: string, b: string): string {
  if (!isGlob(a)) return a;
  if (!isGlob(b)) return b;
  const la = literalPrefix(a).length;
  const lb = literalPrefix(b).length;
  if (la !== lb) return la > lb ? a : b;
  return a.length >= b.length ? a : b;
}
