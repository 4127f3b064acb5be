/**
 * File overlap between milestones: which pairs declare files that may be the same, found through a path-prefix index.
 * Responsibilities: build a trie of each pattern's literal prefix and compare a pattern only with those on its trie path.
 * Not here: glob intersection itself (core/plan/glob-overlap.ts); what overlaps mean (eligibility, locks).
 * Invariants: pure; pairs are reported once, as (earlier, later) in input order; cost grows with real overlaps, not n².
 */
import { expandBraces, globsOverlap, literalPrefix, narrowerPattern, normalizePattern } from "./glob-overlap.js";

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
  pattern: string;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  claims: Claim[];
}

const newNode = (): TrieNode => ({ children: new Map(), claims: [] });

/** Every pair of owners whose files may overlap. */
export function findFileOverlaps(owners: readonly FileOwner[]): FileOverlap[] {
  const root = newNode();
  const placed: { node: TrieNode; path: TrieNode[]; claim: Claim }[] = [];
  owners.forEach((owner, index) => {
    for (const raw of owner.files) {
      const pattern = normalizePattern(raw);
      if (pattern === "") continue;
      // A brace may widen the prefix (`{src,lib}/x`): index each alternative's prefix, compare the whole pattern.
      const prefixes = new Set(expandBraces(pattern).map((p) => literalPrefix(p).join("/")));
      for (const prefix of prefixes) {
        const path: TrieNode[] = [root];
        let node = root;
        for (const segment of prefix === "" ? [] : prefix.split("/")) {
          let next = node.children.get(segment);
          if (!next) node.children.set(segment, (next = newNode()));
          node = next;
          path.push(node);
        }
        const claim = { owner: index, pattern };
        node.claims.push(claim);
        placed.push({ node, path, claim });
      }
    }
  });

  const shared = new Map<number, Set<string>>();
  const width = owners.length;
  for (const { node, path, claim } of placed) {
    for (const ancestor of path) {
      for (const other of ancestor.claims) {
        if (other.owner === claim.owner) continue;
        // Same node: compare each pair once. Ancestor: always (the deeper claim does the comparing).
        if (ancestor === node && other === claim) break;
        if (!globsOverlap(claim.pattern, other.pattern)) continue;
        const [a, b] = claim.owner < other.owner ? [claim.owner, other.owner] : [other.owner, claim.owner];
        const key = a * width + b;
        let files = shared.get(key);
        if (!files) shared.set(key, (files = new Set()));
        files.add(narrowerPattern(claim.pattern, other.pattern));
      }
    }
  }

  return [...shared.entries()]
    .sort(([x], [y]) => x - y)
    .map(([key, files]) => ({
      a: owners[Math.floor(key / width)]!.id,
      b: owners[key % width]!.id,
      files: [...files].sort(),
    }));
}
