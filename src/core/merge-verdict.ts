/**
 * Merge-back verdict: what landing a milestone branch on its target would do, decided from facts both homes gather.
 * Responsibilities: files outside the milestone's declared scope, and the verdict `landed | out-of-scope | conflict |
 * clean` from the merge-tree result, the scope check and whether the branch is already on the target.
 * Not here: running git (the homes' git), writing the merge commit, moving refs, comments or ledger records.
 * Invariants: pure; `.weave/` is never out of scope and its conflicts never block (they resolve to the milestone's
 * side, listed in `overlay`); the checks run in the order landed, out-of-scope, conflict.
 */
import { globsOverlap } from "./plan/glob-overlap.js";
import type { Milestone } from "./plan/plan.js";

export interface MergeTreeResult {
  clean: boolean;
  tree: string;
  conflicts: string[];
}

export type MergeVerdict =
  | { kind: "landed" }
  | { kind: "out-of-scope"; files: string[] }
  | { kind: "conflict"; files: string[]; scopeWarnings: string[] }
  /** `overlay`: `.weave/` paths that conflicted, to take from the milestone's side onto `tree`. */
  | { kind: "clean"; tree: string; overlay: string[]; scopeWarnings: string[] };

/** Files a milestone changed that none of its declared `files` cover (empty when it declares none). */
export function filesOutsideScope(milestone: Milestone, changed: readonly string[]): string[] {
  if (milestone.files.length === 0) return [];
  return changed.filter((f) => !f.startsWith(".weave/") && !milestone.files.some((g) => globsOverlap(g, f)));
}

export function mergeVerdict(input: {
  merged: MergeTreeResult;
  scopeWarnings: readonly string[];
  /** `merge.scope: strict` and no force: files outside the scope block the merge. */
  strictScope: boolean;
  /** The branch head is already an ancestor of the target. */
  alreadyOnTarget?: boolean;
}): MergeVerdict {
  const scopeWarnings = [...input.scopeWarnings];
  if (input.alreadyOnTarget) return { kind: "landed" };
  if (scopeWarnings.length > 0 && input.strictScope) return { kind: "out-of-scope", files: scopeWarnings };
  if (input.merged.clean) return { kind: "clean", tree: input.merged.tree, overlay: [], scopeWarnings };
  const code = input.merged.conflicts.filter((f) => !f.startsWith(".weave/"));
  if (code.length > 0) return { kind: "conflict", files: code, scopeWarnings };
  return { kind: "clean", tree: input.merged.tree, overlay: input.merged.conflicts, scopeWarnings };
}
