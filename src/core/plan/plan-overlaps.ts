/**
 * The plan's file overlaps: pairs of milestones that declare overlapping files and may run at the same time.
 * Responsibilities: the one answer `weave plan check`, `weave plan eligible` and the eligibility report give —
 * overlapping declared files (core/plan/file-overlap.ts), less pairs ordered by `depends_on` (directly or through
 * others), which never run side by side: the later one starts from a target that already has the earlier one.
 * Not here: glob intersection (glob-overlap.ts, file-overlap.ts); what an overlap means (eligibility, locks).
 * Invariants: pure; depends only on the plan, never on a run's state; pairs in plan order as findFileOverlaps gives them.
 */
import { findFileOverlaps } from "./file-overlap.js";
import type { FileOverlap } from "./file-overlap.js";
import type { Plan } from "./plan.js";

export function planFileOverlaps(plan: Pick<Plan, "milestones">): FileOverlap[] {
  const pairs = findFileOverlaps(plan.milestones.map((m) => ({ id: m.id, files: m.files })));
  if (pairs.length === 0) return pairs;
  const deps = new Map(plan.milestones.map((m) => [m.id, m.depends_on]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const found = new Set<string>();
    ancestors.set(id, found); // a valid plan has no cycles; this also stops one
    for (const dep of deps.get(id) ?? []) {
      found.add(dep);
      for (const a of ancestorsOf(dep)) found.add(a);
    }
    return found;
  };
  return pairs.filter((p) => !ancestorsOf(p.a).has(p.b) && !ancestorsOf(p.b).has(p.a));
}
