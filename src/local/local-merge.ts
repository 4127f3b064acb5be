/**
 * Local merge-back: land a finished milestone branch on the target with a merge commit built by `git merge-tree`.
 * Responsibilities: conflicts found without touching any working tree (so the main checkout is never left
 * mid-merge), `.weave/` conflicts resolved to the milestone's side, the scope check against declared files,
 * a compare-and-swap move of the target (or a fast-forward of the main checkout), and a push with bounded backoff.
 * Not here: when to merge (reconcile/decide.ts), GitHub merges (github/).
 * Invariants: never force-moves or force-pushes; a conflict leaves both branches exactly as they were.
 */
import { WeaveError } from "../core/errors.js";
import { globsOverlap } from "../core/plan/glob-overlap.js";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { titleOf } from "../core/plan/plan.js";
import type { RepoGit } from "./repo-git.js";

export type MergeOutcome =
  | { kind: "merged"; commit: string; scopeWarnings: string[]; pushed?: string }
  | { kind: "conflict"; files: string[]; scopeWarnings: string[] }
  | { kind: "out-of-scope"; files: string[] };

export const PUSH_BACKOFF_MS = [500, 2000, 5000, 10000];
const MAX_CAS_ATTEMPTS = 5;

/** Files a milestone changed that none of its declared `files` cover (empty when it declares none). */
export function filesOutsideScope(milestone: Milestone, changed: readonly string[]): string[] {
  if (milestone.files.length === 0) return [];
  return changed.filter((f) => !f.startsWith(".weave/") && !milestone.files.some((g) => globsOverlap(g, f)));
}

export interface MergeOptions {
  git: RepoGit;
  plan: Plan;
  milestone: Milestone;
  target: string;
  costUsd: number;
  force?: boolean;
  /** The branch checked out in the main checkout, when the caller knows it (saves a git call per merge). */
  checkoutBranch?: string;
  sleep?: (ms: number) => Promise<void>;
}

export async function mergeMilestoneLocally(options: MergeOptions): Promise<MergeOutcome> {
  const { git, plan, milestone, target } = options;
  const branch = `weave/${milestone.id}`;

  const onTarget = options.checkoutBranch === undefined ? (await git.currentBranch()) === target : options.checkoutBranch === target;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const heads = await git.branchHeads([branch, target]);
    const head = heads.get(branch);
    const base = heads.get(target);
    if (!head) throw new WeaveError("git-failed", `branch ${branch} does not exist`, { hint: `start the milestone again with \`weave resume ${milestone.id}\`` });
    if (!base) throw new WeaveError("git-failed", `target branch ${target} does not exist`);
    const [changed, merged] = await Promise.all([milestone.files.length > 0 ? git.changedFiles(base, head) : Promise.resolve([]), git.mergeTree(base, head)]);
    const scopeWarnings = filesOutsideScope(milestone, changed);
    if (scopeWarnings.length > 0 && plan.merge.scope === "strict" && !options.force) return { kind: "out-of-scope", files: scopeWarnings };

    let tree = merged.tree;
    if (!merged.clean) {
      const code = merged.conflicts.filter((f) => !f.startsWith(".weave/"));
      if (code.length > 0) return { kind: "conflict", files: code, scopeWarnings };
      tree = await git.overlayPaths(merged.tree, head, merged.conflicts);
    }
    const message = [
      `weave: merge ${milestone.id} — ${titleOf(milestone)}`,
      "",
      ...milestone.tasks.map((t, i) => `${i + 1}. ${t.split("\n")[0]}`),
      "",
      `Weave-Merged: ${milestone.id}`,
      `Weave-Milestone: ${milestone.id}`,
      `Weave-Cost-USD: ${options.costUsd.toFixed(4)}`,
    ].join("\n");
    const commit = await git.commitTree(tree, [base, head], message);
    const moved = onTarget ? await fastForward(git, commit) : await git.updateRef(`refs/heads/${target}`, commit, base);
    if (!moved) continue; // the target moved under us: recompute on the new head
    const pushed = plan.merge.via === "direct" ? await pushWithBackoff(git, target, options.sleep) : undefined;
    return { kind: "merged", commit, scopeWarnings, pushed };
  }
  throw new WeaveError("git-failed", `${target} kept moving while merging ${milestone.id}`, { hint: `retry with \`weave merge ${milestone.id}\`` });
}

async function fastForward(git: RepoGit, commit: string): Promise<boolean> {
  try {
    await git.fastForwardCheckout(commit);
    return true;
  } catch (e) {
    throw new WeaveError("dirty-checkout", `cannot move the main checkout to the merge of this milestone: ${(e as Error).message}`, {
      hint: "commit or stash your changes in the main checkout, then run `weave merge`",
      cause: e,
    });
  }
}

/** Pushes the target to `origin` (or the only remote), retrying a rejected push with backoff; undefined when there is no remote. */
async function pushWithBackoff(git: RepoGit, target: string, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<string | undefined> {
  const remotes = await git.remotes();
  const remote = remotes.includes("origin") ? "origin" : remotes[0];
  if (!remote) return undefined;
  let last: unknown;
  for (let attempt = 0; attempt <= PUSH_BACKOFF_MS.length; attempt++) {
    try {
      await git.push(remote, target);
      return remote;
    } catch (e) {
      last = e;
      if (attempt < PUSH_BACKOFF_MS.length) await sleep(PUSH_BACKOFF_MS[attempt]!);
    }
  }
  throw new WeaveError("git-failed", `pushing ${target} to ${remote} was rejected ${PUSH_BACKOFF_MS.length + 1} times`, {
    cause: last,
    hint: `the merge is committed locally; pull, then push ${target} by hand`,
  });
}
