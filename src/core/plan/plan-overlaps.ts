/**
 * The plan's file overlaps: pairs of milestones that declare overlapping files and may run at the same time.
 * Responsibilities: the one answer `weave plan check`, `weave plan eligible` and the eligibility report give —
 * overlapping declared files (core/plan/file-overlap.ts), less pairs ordered by `depends_on` (directly or through
 * others), which never run side by side: the later one starts from a target that already has the earlier one.
 * Not here: glob intersection (glob-overlap.ts, file-overlap.ts); what an overlap means (eligibility, locks).
 * Invariants: pure (cached per plan object: never mutate a plan after asking); depends only on the plan, never on a
 * run's state; pairs in plan order as findFileOverlaps gives them.
 */
import { findFileOverlaps } from "./file-overlap.js";
import type { FileOverlap } from "./file-overlap.js";
import type { Plan } from "./plan.js";

const cache = new WeakMap<object, FileOverlap[]>();

/** Cached per plan object (a plan does not change during a run; the coordinator asks on every pass). */
export function planFileOverlaps(plan: Pick<Plan, "milestones">): FileOverlap[] {
  const known = cache.get(plan);
  if (known) return known;
  const found = computeOverlaps(plan);
  cache.set(plan, found);
  return found;
}

function computeOverlaps(plan: Pick<Plan, "milestones">): FileOverlap[] {
  const pairs = findFileOverlaps(plan.milestones.map((m) => ({ id: m.id, files: m.files })));
  if (pairs.length === 0) return pairs;
  const ancestors = ancestorSets(plan.milestones);
  const index = new Map(plan.milestones.map((m, i) => [m.id, i]));
  const has = (of: number, other: number): boolean => ((ancestors[of]![other >>> 5]! >>> (other & 31)) & 1) === 1;
  return pairs.filter((p) => {
    const a = index.get(p.a)!;
    const b = index.get(p.b)!;
    return !has(a, b) && !has(b, a);
  });
}

/**
 * Every milestone's ancestors (through `depends_on`) as a bit set, built in topological order (Kahn, no recursion):
 * 10,000 milestones take 12.5 MB and one pass over the edges.
 */
function ancestorSets(milestones: Pick<Plan, "milestones">["milestones"]): Uint32Array[] {
  const n = milestones.length;
  const words = (n + 31) >>> 5;
  const index = new Map(milestones.map((m, i) => [m.id, i]));
  const deps = milestones.map((m) => m.depends_on.map((d) => index.get(d)).filter((d): d is number => d !== undefined));
  const dependents: number[][] = milestones.map(() => []);
  const waiting = deps.map((d) => d.length);
  deps.forEach((ds, i) => ds.forEach((d) => dependents[d]!.push(i)));
  const sets = milestones.map(() => new Uint32Array(words));
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  while (ready.length > 0) {
    const i = ready.pop()!;
    const own = sets[i]!;
    for (const d of deps[i]!) {
      const theirs = sets[d]!;
      for (let w = 0; w < words; w++) own[w]! |= theirs[w]!;
      own[d >>> 5]! |= 1 << (d & 31);
    }
    for (const next of dependents[i]!) if (--waiting[next]! === 0) ready.push(next);
  }
  return sets;
}
