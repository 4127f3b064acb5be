/**
 * Merge-back verdict: what landing a milestone branch on its target would do, decided from facts both homes gather.
 * Responsibilities: files outside the milestone's declared scope, and the verdict `landed | out-of-scope | conflict |
 * clean` from the merge-tree result, the scope check and whether the branch is already on the target.
 * Not here: running git (the homes' git), writing the merge commit, moving refs, comments or ledger records.
 * Invariants: pure; only weave's own paths (core/weave-owned-paths.ts) are exempt: their conflicts never block (they
 * resolve to the milestone's side, listed in `overlay`), while any other file under `.weave/` is outside every
 * milestone's scope, declared files or not, and where the merge lands in a local checkout (whose `.weave/` is the
 * live run folder) it blocks whatever `merge.scope` and `--force` say; the checks run in the order landed,
 * out-of-scope, conflict.
 */
import { globsOverlap } from "./plan/glob-overlap.js";
import type { Milestone } from "./plan/plan.js";
import { isWeaveOwnedPath, weaveDirIntruders } from "./weave-owned-paths.js";

export interface MergeTreeResult {
  clean: boolean;
  tree: string;
  conflicts: string[];
}

export type MergeVerdict =
  | { kind: "landed" }
  /** `runFolder`: the files are under `.weave/` and the merge would write them into a local run folder. */
  | { kind: "out-of-scope"; files: string[]; runFolder?: true }
  | { kind: "conflict"; files: string[]; scopeWarnings: string[] }
  /** `overlay`: weave's own paths that conflicted, to take from the milestone's side onto `tree`. */
  | { kind: "clean"; tree: string; overlay: string[]; scopeWarnings: string[] };

/**
 * Files a milestone changed outside its scope: files under `.weave/` that weave did not write (always), and files
 * none of its declared `files` cover (none when it declares no files).
 */
export function filesOutsideScope(milestone: Milestone, changed: readonly string[]): string[] {
  const intruders = new Set(weaveDirIntruders(changed));
  return changed.filter((f) => intruders.has(f) || (milestone.files.length > 0 && !isWeaveOwnedPath(f) && !milestone.files.some((g) => globsOverlap(g, f))));
}

export function mergeVerdict(input: {
  merged: MergeTreeResult;
  scopeWarnings: readonly string[];
  /** `merge.scope: strict` and no force: files outside the scope block the merge. */
  strictScope: boolean;
  /** The branch head is already an ancestor of the target. */
  alreadyOnTarget?: boolean;
  /** The merge lands in a local checkout, whose `.weave/` is the live run folder: files there never land. */
  localCheckout?: boolean;
}): MergeVerdict {
  const scopeWarnings = [...input.scopeWarnings];
  if (input.alreadyOnTarget) return { kind: "landed" };
  const intruders = weaveDirIntruders(scopeWarnings);
  if (intruders.length > 0 && input.localCheckout) return { kind: "out-of-scope", files: intruders, runFolder: true };
  if (scopeWarnings.length > 0 && input.strictScope) return { kind: "out-of-scope", files: scopeWarnings };
  if (input.merged.clean) return { kind: "clean", tree: input.merged.tree, overlay: [], scopeWarnings };
  const code = input.merged.conflicts.filter((f) => !isWeaveOwnedPath(f));
  if (code.length > 0) return { kind: "conflict", files: code, scopeWarnings };
  return { kind: "clean", tree: input.merged.tree, overlay: input.merged.conflicts, scopeWarnings };
}
