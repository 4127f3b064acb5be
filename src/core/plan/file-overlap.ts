/**
 * File overlap between milestones: which pairs declare files that may be the same, found through a path-prefix index.
 * Responsibilities: group patterns by their literal prefix (`src/auth` for `src/auth/**`) and compare a group only
 * with itself and the groups of its ancestor prefixes — patterns under diverging prefixes can never meet.
 * Not here: glob intersection itself (core/plan/glob-overlap.ts); what overlaps mean (eligibility, locks).
 * Invariants: pure; pairs are reported once, as (earlier, later) in input order; cost grows with real overlaps, not n².
 */
import { expandBraces, narrowerPattern, normalizePattern, preparedOverlap, preparePattern } from "./glob-overlap.js";
import type { PreparedPattern } from "./glob-overlap.js";

export interface FileOwner {
  id: string;
  files: readonly string[];
}

export interface FileOverlap {
  a: string;
  b: string;
  /** The shared paths (the narrower pattern of each overlapping pair), sorted. */
  files: string[];
}

interface Claim {
  owner: number;
  raw: string;
  text: string;
  /** Split on first comparison only: most claims of a big plan are never compared. */
  prepared?: PreparedPattern;
}

const MAGIC = /[*?[\]{}()!+@]/;

/** `src/auth/*.ts` → `src/auth`; `src/x.ts` → `src/x.ts`; `**` → ``. */
function prefixOf(pattern: string): string {
  const magic = pattern.search(MAGIC);
  if (magic < 0) return pattern;
  const slash = pattern.lastIndexOf("/", magic);
  return slash < 0 ? "" : pattern.slice(0, slash);
}

function parentOf(prefix: string): string | undefined {
  if (prefix === "") return undefined;
  const slash = prefix.lastIndexOf("/");
  return slash < 0 ? "" : prefix.slice(0, slash);
}

function prepared(claim: Claim): PreparedPattern {
  return (claim.prepared ??= preparePattern(claim.raw));
}

/** Every pair of owners whose files may overlap. */
export function findFileOverlaps(owners: readonly FileOwner[]): FileOverlap[] {
  const groups = new Map<string, Claim[]>();
  owners.forEach((owner, index) => {
    for (const raw of owner.files) {
      const text = normalizePattern(raw);
      if (text === "") continue;
      const claim: Claim = { owner: index, raw, text };
      // A brace may widen the prefix (`{src,lib}/x`): file the claim under each alternative's prefix.
      const prefixes = text.includes("{") ? new Set(expandBraces(text).map(prefixOf)) : [prefixOf(text)];
      for (const prefix of prefixes) {
        const group = groups.get(prefix);
        if (group) group.push(claim);
        else groups.set(prefix, [claim]);
      }
    }
  });

  const shared = new Map<number, string[]>();
  const width = owners.length;
  const record = (x: Claim, y: Claim): void => {
    if (x.owner === y.owner || !preparedOverlap(prepared(x), prepared(y))) return;
    const key = Math.min(x.owner, y.owner) * width + Math.max(x.owner, y.owner);
    const file = narrowerPattern(x.text, y.text);
    const files = shared.get(key);
    if (!files) shared.set(key, [file]);
    else if (!files.includes(file)) files.push(file);
  };

  for (const [prefix, claims] of groups) {
    for (let i = 0; i < claims.length; i++) for (let j = i + 1; j < claims.length; j++) record(claims[i]!, claims[j]!);
    for (let up = parentOf(prefix); up !== undefined; up = parentOf(up)) {
      const above = groups.get(up);
      if (above) for (const x of claims) for (const y of above) record(x, y);
    }
  }

  return [...shared.entries()]
    .sort(([x], [y]) => x - y)
    .map(([key, files]) => ({
      a: owners[Math.floor(key / width)]!.id,
      b: owners[key % width]!.id,
      files: files.sort(),
    }));
}
