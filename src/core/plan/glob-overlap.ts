/**
 * Glob overlap: can two path patterns (`src/auth/**`, `src/*.ts`, `docs/{a,b}.md`) ever name the same file?
 * Responsibilities: segment-wise intersection of two globs (`**` spans segments), literal prefixes for indexing.
 * Not here: deciding which pairs to compare (core/plan/file-overlap.ts).
 * Invariants: pure; never a false "no" for `**`, `*`, `?` and braces; classes and extglobs are compared conservatively
 * (may say "yes"); a pattern within the limits (`globProblem` says none) is expanded fully and compared in bounded
 * time: `*`/`?` segments by a linear-time wildcard match, never a backtracking regex.
 */
import picomatch from "picomatch";

const MAGIC = /[*?[\]{}()!+@]/;
/** Limits on one `files` pattern (README "Plan reference"): past them the plan is refused, never truncated. */
export const GLOB_LIMITS = { alternatives: 256, wildcards: 16, length: 1024 } as const;
const MAX_EXPANSIONS = GLOB_LIMITS.alternatives;
const EXTGLOB_OR_CLASS = /[[\]()!+@]/;
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

/**
 * Why a pattern is past the limits, or undefined: more brace alternatives than `GLOB_LIMITS.alternatives` (they would
 * not all be compared), more `*`/`?` than `GLOB_LIMITS.wildcards` in one segment, or longer than `GLOB_LIMITS.length`.
 */
export function globProblem(pattern: string): string | undefined {
  if (pattern.length > GLOB_LIMITS.length) return `the pattern is ${pattern.length} characters long; at most ${GLOB_LIMITS.length} are allowed`;
  const count = countAlternatives(pattern, GLOB_LIMITS.alternatives + 1);
  if (count > GLOB_LIMITS.alternatives) return `the pattern's braces expand to more than ${GLOB_LIMITS.alternatives} alternatives; split it into several patterns`;
  for (const segment of pattern.split("/")) {
    if (segment === "**") continue;
    const wildcards = (segment.match(/[*?]/g) ?? []).length;
    if (wildcards > GLOB_LIMITS.wildcards) return `the segment "${segment.slice(0, 40)}" has ${wildcards} wildcards; at most ${GLOB_LIMITS.wildcards} per segment are allowed`;
  }
  return undefined;
}

/** How many alternatives `expandBraces` gives, counted without expanding, stopping once past `cap`. */
function countAlternatives(pattern: string, cap: number): number {
  const open = pattern.indexOf("{");
  if (open < 0) return 1;
  const split = splitBrace(pattern, open);
  if (!split) return 1;
  let total = 0;
  for (const alternative of split) {
    total += countAlternatives(alternative, cap);
    if (total >= cap) return cap;
  }
  return total;
}

/** The alternatives of the first brace group at `open`, each with the rest of the pattern, or undefined when none. */
function splitBrace(pattern: string, open: number): string[] | undefined {
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
  if (close < 0 || commas.length === 0) return undefined;
  const cuts = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) out.push(pattern.slice(0, open) + pattern.slice(cuts[k]! + 1, cuts[k + 1]) + pattern.slice(close + 1));
  return out;
}

/**
 * `a/{b,c}/d` → [`a/b/d`, `a/c/d`]; nested braces expand. A pattern past `GLOB_LIMITS.alternatives` is refused when
 * the plan is parsed (`globProblem`); here it is not cut short silently: the unexpanded pattern is kept too, which the
 * segment comparison treats conservatively (may say "overlaps").
 */
export function expandBraces(pattern: string): string[] {
  if (countAlternatives(pattern, MAX_EXPANSIONS + 1) > MAX_EXPANSIONS) return [widenBraces(pattern)];
  return expandAll(pattern);
}

/** Every brace group (innermost first) becomes `*`, or `**` when an alternative spans segments: wider, never narrower. */
function widenBraces(pattern: string): string {
  let out = pattern;
  for (let before = ""; before !== out; ) {
    before = out;
    out = out.replace(/\{([^{}]*)\}/g, (_, inner: string) => (inner.includes("/") ? "**" : "*"));
  }
  return out;
}

function expandAll(pattern: string): string[] {
  const open = pattern.indexOf("{");
  if (open < 0) return [pattern];
  const split = splitBrace(pattern, open);
  return split ? split.flatMap(expandAll) : [pattern];
}

function literalEnds(segment: string): [string, string] {
  const first = segment.search(MAGIC);
  let last = segment.length;
  while (last > 0 && !MAGIC.test(segment[last - 1]!)) last--;
  return [segment.slice(0, first), segment.slice(last)];
}

const matchers = new Map<string, (path: string) => boolean>();

/**
 * Does a `*`/`?`-only segment pattern match a literal? Greedy two-pointer match with one backtrack point: O(n·m)
 * at worst, never exponential (a regex for `*a*a*a…b` backtracks exponentially).
 */
export function wildcardMatches(literal: string, pattern: string): boolean {
  let p = 0;
  let l = 0;
  let star = -1;
  let mark = 0;
  while (l < literal.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === literal[l])) {
      p++;
      l++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = l;
    } else if (star >= 0) {
      p = star + 1;
      l = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/** Compiled once per segment pattern: comparing 100,000 globs must not recompile regexes per pair. */
function segmentMatches(literal: string, pattern: string): boolean {
  // Dotfiles: picomatch with `dot: true` lets `*` match a leading dot, as the wildcard match does.
  if (!EXTGLOB_OR_CLASS.test(pattern) && !/[{}]/.test(pattern)) return wildcardMatches(literal, pattern);
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
