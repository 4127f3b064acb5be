/**
 * Glob overlap: can two path patterns (`src/auth/**`, `src/*.ts`, `docs/{a,b}.md`) ever name the same file?
 * Responsibilities: segment-wise intersection of two globs (`**` spans segments), literal prefixes for indexing.
 * Not here: deciding which pairs to compare (core/plan/file-overlap.ts).
 * Invariants: pure; never a false "no" for `**`, `*`, `?` and braces; classes and extglobs are compared conservatively (may say "yes").
 */
import picomatch from "picomatch";

const MAGIC = /[*?[\]{}()!+@]/;
const MAX_EXPANSIONS = 64;
const NEEDS_NORMALIZING = /^\s|\s$|\\|^\.\/|\/\/|\/$/;

export function isGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** `./src//auth/` → `src/auth`. */
export function normalizePattern(pattern: string): string {
  if (!NEEDS_NORMALIZING.test(pattern)) return pattern;
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

const matchers = new Map<string, (path: string) => boolean>();

/** Compiled once per segment pattern: comparing 100,000 globs must not recompile regexes per pair. */
function segmentMatches(literal: string, pattern: string): boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    if (matchers.size > 10_000) matchers.clear();
    matchers.set(pattern, (matcher = picomatch(pattern, { dot: true })));
  }
  return matcher(literal);
}

/** Can one path segment match both patterns? */
function segmentsIntersect(a: string, b: string): boolean {
  if (a === b || a === "*" || b === "*") return true;
  const aMagic = MAGIC.test(a);
  const bMagic = MAGIC.test(b);
  if (!aMagic && !bMagic) return false;
  if (!aMagic) return segmentMatches(a, b);
  if (!bMagic) return segmentMatches(b, a);
  const [aHead, aTail] = literalEnds(a);
  const [bHead, bTail] = literalEnds(b);
  return (aHead.startsWith(bHead) || bHead.startsWith(aHead)) && (aTail.endsWith(bTail) || bTail.endsWith(aTail));
}

function splitIntersect(a: readonly string[], b: readonly string[]): boolean {
  if (!a.includes("**") && !b.includes("**")) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!segmentsIntersect(a[i]!, b[i]!)) return false;
    return true;
  }
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

/** A pattern split once into its brace alternatives' segments; a directory-like literal also covers what is below it. */
export interface PreparedPattern {
  text: string;
  alternatives: readonly (readonly string[])[];
}

export function preparePattern(raw: string): PreparedPattern {
  const text = normalizePattern(raw);
  const alternatives = expandBraces(text).map((p) => (isDirectoryLike(raw, p) ? [...p.split("/"), "**"] : p.split("/")));
  return { text, alternatives };
}

export function preparedOverlap(a: PreparedPattern, b: PreparedPattern): boolean {
  if (a.text === b.text) return true;
  for (const xs of a.alternatives) for (const ys of b.alternatives) if (splitIntersect(xs, ys)) return true;
  return false;
}

/** True when some file path could match both patterns. A directory path also covers everything below it. */
export function globsOverlap(a: string, b: string): boolean {
  return preparedOverlap(preparePattern(a), preparePattern(b));
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
