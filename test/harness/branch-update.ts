/**
 * Branch update: `PUT pulls/{n}/update-branch` — GitHub merges the base into the pull request's head ("Merge branch
 * '<base>' into <head>", parents head then base) after answering 202, so a client never sees the new head in the answer.
 * Responsibilities: GitHub's 422s (expected_head_sha mismatch, nothing to update, conflicts), the compare-and-swap on the
 * head, and the push that follows (synchronize, workflows). Not here: when a head is "behind" (repo-events.ts computes
 * it with `mergeable`), the `workflows` permission (workflow-permission.ts).
 */
import type { Services } from "./route-types.js";
import { HttpError, noreplyEmail } from "./world.js";
import type { PullRecord, RepoRecord, UserRecord } from "./world.js";

const unprocessable = (message: string): HttpError => new HttpError(422, message, { documentation_url: "https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch" });

/** What GitHub checks before its 202; returns the base sha the update will merge. */
export async function checkUpdate(repo: RepoRecord, pull: PullRecord, expectedHeadSha: string | undefined): Promise<string> {
  if (pull.state !== "open") throw unprocessable("Pull request is closed");
  if (expectedHeadSha !== undefined && expectedHeadSha !== pull.headSha) throw unprocessable("expected head sha didn’t match current head ref.");
  const base = await repo.git.readRef(`refs/heads/${pull.base}`);
  if (base === undefined) throw unprocessable("Base branch does not exist");
  if (await repo.git.isAncestor(base, pull.headSha)) throw unprocessable("There are no new commits on the base branch.");
  if (!(await repo.git.mergeTree(pull.headSha, base)).clean) throw unprocessable("merge conflict between base and head");
  return base;
}

/** Writes the merge of `base` into the head and moves the head (compare-and-swap); false when the head moved meanwhile. */
export async function updateBranch(services: Services, repo: RepoRecord, pull: PullRecord, headSha: string, base: string, actor: UserRecord): Promise<boolean> {
  const merged = await repo.git.mergeTree(headSha, base);
  if (!merged.clean) return false;
  const identity = { name: actor.login, email: noreplyEmail(actor), date: services.world.now() };
  const sha = await repo.git.commitTree(merged.tree, [headSha, base], `Merge branch '${pull.base}' into ${pull.head}`, identity);
  if (!(await repo.git.casRef(`refs/heads/${pull.head}`, sha, headSha))) return false;
  await services.events.refsChanged(repo, [{ ref: `refs/heads/${pull.head}`, before: headSha, after: sha }], actor);
  return true;
}
