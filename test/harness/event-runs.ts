/**
 * Event runs: which workflows an event starts and from which commit, as GitHub decides it.
 * Responsibilities: events caused by a `GITHUB_TOKEN` (sender github-actions[bot]) start nothing (GitHub's rule, except
 * workflow_dispatch/repository_dispatch, which are not events here); the workflow file comes from the pushed commit
 * for `push`, the pull request's merge ref (`refs/pull/<n>/merge`, written here; none while it conflicts) for
 * `pull_request` and `pull_request_review`, the merge group's commit for `merge_group`, and the default branch for
 * `issue_comment`, `check_run` and `schedule`. Not here: `on:` filters (workflow-file.ts), running (actions-runner.ts).
 */
import { ZERO_SHA } from "./git-backend.js";
import { noreplyEmail } from "./world.js";
import type { RepoRecord, UserRecord, World } from "./world.js";

/** Events that may start workflows in the stand-in (workflow_dispatch goes through the dispatch route). */
export const STARTING_EVENTS = new Set(["push", "pull_request", "pull_request_review", "merge_group", "issue_comment", "check_run", "schedule"]);

export interface EventRunSpec {
  event: string; action: string | undefined;
  /** The commit whose `.github/workflows/` GitHub reads. */
  source: string;
  /** GITHUB_REF and GITHUB_SHA of the run. */
  ref: string; sha: string;
  /** The commit the jobs' check runs report on (a pull request's head, not its merge commit), and the run's head branch. */
  checkSha: string; headBranch: string;
  /** The branch `branches:` filters look at (pushed branch, or a pull request's base). */
  filterBranch: string | undefined;
  actor: UserRecord; payload: Record<string, unknown>;
}

const senderOf = (world: World, payload: Record<string, unknown>): UserRecord => world.user(String((payload.sender as { login?: unknown } | undefined)?.login ?? "ghost"));

/** The run an event asks for, or undefined when GitHub starts none for it. */
export async function eventRunSpec(world: World, repo: RepoRecord, event: string, action: string | undefined, payload: Record<string, unknown>): Promise<EventRunSpec | undefined> {
  if (!STARTING_EVENTS.has(event)) return undefined;
  const actor = senderOf(world, payload);
  if (actor.login === "github-actions[bot]") return undefined; // caused by a GITHUB_TOKEN
  const base = { event, action, actor, payload };
  if (event === "push") {
    const ref = String(payload.ref ?? "");
    const after = String(payload.after ?? ZERO_SHA);
    if (after === ZERO_SHA || !ref.startsWith("refs/heads/")) return undefined;
    const branch = ref.slice("refs/heads/".length);
    return { ...base, source: after, ref, sha: after, checkSha: after, headBranch: branch, filterBranch: branch };
  }
  if (event === "pull_request" || event === "pull_request_review") {
    const pull = repo.pulls.get(Number((payload.pull_request as { number?: unknown } | undefined)?.number ?? payload.number));
    if (pull === undefined || pull.state !== "open") return undefined;
    const merge = await mergeRef(world, repo, pull.number, pull.base, pull.headSha);
    if (merge === undefined) return undefined; // GitHub runs no pull_request workflows while the merge conflicts
    return { ...base, source: merge, ref: `refs/pull/${pull.number}/merge`, sha: merge, checkSha: pull.headSha, headBranch: pull.head, filterBranch: pull.base };
  }
  if (event === "merge_group") {
    if (action !== "checks_requested") return undefined;
    const group = payload.merge_group as { head_sha: string; head_ref: string; base_ref: string };
    return { ...base, source: group.head_sha, ref: group.head_ref, sha: group.head_sha, checkSha: group.head_sha, headBranch: group.head_ref.replace(/^refs\/heads\//, ""), filterBranch: group.base_ref.replace(/^refs\/heads\//, "") };
  }
  const head = await repo.git.readRef(`refs/heads/${repo.defaultBranch}`);
  if (head === undefined) return undefined;
  return { ...base, source: head, ref: `refs/heads/${repo.defaultBranch}`, sha: head, checkSha: head, headBranch: repo.defaultBranch, filterBranch: undefined };
}

/** Writes `refs/pull/<n>/merge`, GitHub's test merge of the head into the base; undefined when they conflict. */
async function mergeRef(world: World, repo: RepoRecord, number: number, base: string, head: string): Promise<string | undefined> {
  const baseSha = await repo.git.readRef(`refs/heads/${base}`);
  if (baseSha === undefined) return undefined;
  const merged = await repo.git.mergeTree(baseSha, head);
  if (!merged.clean) return undefined;
  const github = world.user("github", "Organization");
  const sha = await repo.git.commitTree(merged.tree, [baseSha, head], `Merge ${head} into ${baseSha}`, { name: "GitHub", email: noreplyEmail(github), date: world.now() });
  await repo.git.run(["update-ref", `refs/pull/${number}/merge`, sha]);
  return sha;
}
