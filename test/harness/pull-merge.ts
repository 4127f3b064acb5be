/**
 * Pull request merges: the merge or squash commit GitHub writes for a pull request (a real `git merge-tree`, GitHub's
 * default messages), put on the base with compare-and-swap, then `push` and `pull_request` closed (merged).
 * Used by `PUT pulls/{n}/merge`, auto-merge and the merge queue. Not here: who may merge and when (routes/pulls.ts,
 * merge-requirements.ts). Invariants: a conflicting pull request is never merged; a moved base is never overwritten.
 */
import type { Services } from "./route-types.js";
import { refuseWorkflowChange } from "./workflow-permission.js";
import { HttpError, noreplyEmail } from "./world.js";
import type { PullRecord, RepoRecord, TokenRecord, UserRecord } from "./world.js";

export type MergeMethod = "merge" | "squash";
export interface MergeSpec {
  method: MergeMethod; actor: UserRecord; when: Date; title?: string | undefined; message?: string | undefined;
  /** The credential the merge is made with (App tokens need `workflows` to merge workflow changes); undefined for people and GitHub itself. */
  token?: Pick<TokenRecord, "kind" | "permissions"> | undefined;
}

/** GitHub's default commit title and message for merging `pull` with `method`. */
export async function defaultMessage(repo: RepoRecord, pull: PullRecord, baseSha: string, method: MergeMethod): Promise<{ title: string; detail: string }> {
  if (method === "merge") return { title: `Merge pull request #${pull.number} from ${repo.owner.login}/${pull.head}`, detail: pull.title };
  const commits = await repo.git.commitsBetween(baseSha, pull.headSha);
  const detail = (await Promise.all(commits.map(async (c) => `* ${(await repo.git.readCommit(c)).message.trim()}`))).join("\n\n");
  return { title: `${pull.title} (#${pull.number})`, detail };
}

/** Writes the merge (or squash) commit of `pull` onto `baseSha` without moving any ref; undefined on conflicts. */
export async function composeMerge(repo: RepoRecord, pull: PullRecord, baseSha: string, spec: MergeSpec): Promise<string | undefined> {
  const merged = await repo.git.mergeTree(baseSha, pull.headSha);
  if (!merged.clean) return undefined;
  const fallback = await defaultMessage(repo, pull, baseSha, spec.method);
  const identity = { name: spec.actor.login, email: noreplyEmail(spec.actor), date: spec.when };
  const parents = spec.method === "squash" ? [baseSha] : [baseSha, pull.headSha];
  return repo.git.commitTree(merged.tree, parents, `${spec.title ?? fallback.title}\n\n${spec.message ?? fallback.detail}`, identity);
}

/** Moves the base from `baseSha` to `sha` (compare-and-swap), marks `pull` merged and sends the events; false if the base moved. */
export async function finishMerge(services: Services, repo: RepoRecord, pull: PullRecord, baseSha: string, sha: string, actor: UserRecord): Promise<boolean> {
  if (!(await repo.git.casRef(`refs/heads/${pull.base}`, sha, baseSha))) return false;
  const now = services.world.now();
  Object.assign(pull, { merged: true, state: "closed", mergedAt: now, closedAt: now, updatedAt: now, mergedBy: actor, mergeCommitSha: sha, mergeable: null, mergeableState: "unknown" });
  await services.events.refsChanged(repo, [{ ref: `refs/heads/${pull.base}`, before: baseSha, after: sha }], actor);
  await services.events.emitPull(repo, pull, "closed", actor);
  return true;
}

/** GitHub's 405 for a merge that lost a race with a change of the base ("Base branch was modified"). */
export class BaseModified extends HttpError {
  constructor() { super(405, "Base branch was modified. Review and try the merge again.", { documentation_url: "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request" }); }
}

/** Merges `pull` now: 405 when it conflicts, 405 BaseModified when the base moved meanwhile. Returns the merge commit. */
export async function mergePull(services: Services, repo: RepoRecord, pull: PullRecord, spec: MergeSpec): Promise<string> {
  const base = await repo.git.readRef(`refs/heads/${pull.base}`);
  if (base === undefined) throw new HttpError(405, "Pull Request is not mergeable");
  const sha = await composeMerge(repo, pull, base, spec);
  if (sha === undefined) throw new HttpError(405, "Pull Request is not mergeable");
  await refuseWorkflowChange(repo.git, spec.token, base, sha);
  if (!(await finishMerge(services, repo, pull, base, sha, spec.actor))) throw new BaseModified();
  return sha;
}
