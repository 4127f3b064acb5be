/**
 * Local merge-back: land a finished milestone branch on the target with a merge commit built by `git merge-tree`.
 * Responsibilities: conflicts found without touching any working tree (so the main checkout is never left
 * mid-merge), conflicts in weave's own paths resolved to the milestone's side, the scope check against declared
 * files, the refusal of any other file under `.weave/` (it would be written into the live run folder),
 * a compare-and-swap move of the target (or a fast-forward of the main checkout), and a push with bounded backoff that
 * first merges in what others pushed meanwhile.
 * Not here: when to merge (reconcile/decide.ts), GitHub merges (github/), the git plumbing (git/repo-plumbing.ts,
 * local/repo-git.ts).
 * Invariants: never force-moves or force-pushes; a conflict leaves both branches exactly as they were; a refused push
 * is told apart by its WeaveError code (`head-moved`), never by git's words.
 */
import { isWeaveError, WeaveError } from "../core/errors.js";
import { filesOutsideScope, mergeVerdict } from "../core/merge-verdict.js";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { titleOf } from "../core/plan/plan.js";
import { mergeTrailers } from "../core/trailers.js";
import type { RepoGit } from "./repo-git.js";

export type MergeOutcome =
  | { kind: "merged"; commit: string; scopeWarnings: string[]; pushed?: string }
  | { kind: "conflict"; files: string[]; scopeWarnings: string[] }
  | { kind: "out-of-scope"; files: string[]; runFolder?: true };

export const PUSH_BACKOFF_MS = [500, 2000, 5000, 10000];
const MAX_CAS_ATTEMPTS = 5;

export { filesOutsideScope } from "../core/merge-verdict.js";

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
    const [changed, merged] = await Promise.all([git.changedFiles(base, head), git.mergeTree(base, head)]);
    const verdict = mergeVerdict({ merged, scopeWarnings: filesOutsideScope(milestone, changed), strictScope: plan.merge.scope === "strict" && !options.force, localCheckout: true });
    if (verdict.kind === "out-of-scope" || verdict.kind === "conflict") return verdict;
    if (verdict.kind === "landed") throw new WeaveError("internal", "the local merge never asks whether the branch already landed");
    const { scopeWarnings } = verdict;
    const tree = verdict.overlay.length > 0 ? await git.overlayPaths(verdict.tree, head, verdict.overlay) : verdict.tree;
    const message = [
      `weave: merge ${milestone.id} — ${titleOf(milestone)}`,
      "",
      ...milestone.tasks.map((t, i) => `${i + 1}. ${t.split("\n")[0]}`),
      "",
      mergeTrailers(milestone.id, options.costUsd),
    ].join("\n");
    const commit = await git.commitTree(tree, [base, head], message);
    const moved = onTarget ? await fastForward(git, commit) : await git.updateRef(`refs/heads/${target}`, commit, base);
    if (!moved) continue; // the target moved under us: recompute on the new head
    const pushed = plan.merge.via === "direct" ? await pushWithBackoff(git, target, onTarget, options.sleep) : undefined;
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

/**
 * Pushes the target to `origin` (or the only remote), never forced; undefined when there is no remote. A push refused
 * because the remote moved first brings the remote's commits in (a merge commit when they merge cleanly) before it
 * is tried again; other refusals are retried with backoff.
 */
async function pushWithBackoff(git: RepoGit, target: string, onTarget: boolean, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<string | undefined> {
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
      // The remote moved first (git/git-refusals.ts says `head-moved`): bring its commits in before trying again.
      if (isWeaveError(e, "head-moved")) await catchUp(git, remote, target, onTarget);
      if (attempt < PUSH_BACKOFF_MS.length) await sleep(PUSH_BACKOFF_MS[attempt]!);
    }
  }
  throw new WeaveError("git-failed", `pushing ${target} to ${remote} was rejected ${PUSH_BACKOFF_MS.length + 1} times`, {
    cause: last,
    hint: `the merge is committed locally; pull, then push ${target} by hand`,
  });
}

/** Brings `remote`'s newer commits of `target` into the local target by a merge commit, never touching a working tree but the checkout's fast-forward. */
async function catchUp(git: RepoGit, remote: string, target: string, onTarget: boolean): Promise<void> {
  await git.raw(["fetch", "-q", "--end-of-options", remote, `refs/heads/${target}`]);
  const theirs = await git.revParse("FETCH_HEAD");
  const ours = await git.revParse(target);
  if (!theirs || !ours || (await git.mergeBase(ours, theirs)) === theirs) return; // nothing new there
  const merged = await git.mergeTree(ours, theirs);
  if (!merged.clean) {
    throw new WeaveError("git-failed", `${remote}/${target} moved and its new commits conflict with the merge in ${merged.conflicts.join(", ")}`, {
      hint: `the merge is committed locally: pull ${target}, resolve, and push it by hand`,
    });
  }
  const commit = await git.commitTree(merged.tree, [ours, theirs], `weave: merge ${remote}/${target} into ${target}`);
  const moved = onTarget ? await fastForward(git, commit) : await git.updateRef(`refs/heads/${target}`, commit, ours);
  if (!moved) throw new WeaveError("git-failed", `${target} moved while bringing in ${remote}/${target}`, { hint: `push ${target} by hand` });
}
