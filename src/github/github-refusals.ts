/**
 * GitHub's refusals, translated at the edge: what a refused merge, update-branch or git push means, in weave's
 * words, so the code above branches on a kind and a WeaveError code, never on GitHub's English.
 * Responsibilities: the `workflows` permission refusal (a change under `.github/workflows/` pushed or merged by an
 * App without that permission, or by a job's GITHUB_TOKEN, which can never have it) with GitHub's words and the
 * fix; 405 "Base branch was modified" (a race: try again) apart from 405 "not mergeable" and other 405/422s; a
 * refused update-branch; a refused auto-merge (the PR can merge right now); a push that GitHub's rules refuse; rate
 * limits (with when to try again).
 * Not here: the requests (github/repo-client.ts, github/repo-mirror.ts); git's own words ("couldn't find remote ref",
 * "non-fast-forward"), which git/git-refusals.ts translates for every home.
 * Invariants: pure; the one place GitHub's words are read; where GitHub gives a status, the status decides.
 */
import type { ErrorCode } from "../core/errors.js";
import { toWeaveError, WeaveError } from "../core/errors.js";

/** GitHub's git and REST answer when a change touches workflow files and the token lacks `workflows`. */
const WORKFLOWS_REFUSAL = /refusing to allow (?:a GitHub App|an OAuth App|a Personal Access Token|a GitHub Actions? token)? ?to (?:create or update|create|update) workflow[^\n]*/i;

/** The workflows refusal, as a WeaveError naming GitHub's words and the fix; undefined when `text` is not one. */
export function workflowsRefusal(text: string, where: string): WeaveError | undefined {
  const words = WORKFLOWS_REFUSAL.exec(text)?.[0]?.trim();
  if (!words) return undefined;
  return new WeaveError("workflows-permission", `GitHub refused ${where}: "${words}"`, {
    hint: "the change edits .github/workflows/: grant the weave App the `workflows` (Workflows: write) permission and accept it on the installation, or merge this milestone by hand",
  });
}

/**
 * A refused `PUT /pulls/{n}/merge` (403, 405, 409 or 422) as a WeaveError whose code says what to do: `head-moved` and
 * `base-modified` (a race: look again), `not-mergeable-yet` (GitHub is still computing), `head-behind` (update the
 * branch), `merge-queue-required`, `merge-blocked` (rules not satisfied yet), `workflows-permission`, `merge-refused`.
 * By status first, GitHub's message only where the status is shared.
 */
export function mergeRefusal(status: number, message: string, pull: number): WeaveError {
  const workflows = workflowsRefusal(message, "the merge");
  if (workflows) return workflows;
  const refused = (code: ErrorCode, hint: string): WeaveError => new WeaveError(code, `GitHub refused to merge #${pull}: ${message}`, { hint });
  if (status === 409) return refused("head-moved", "the PR's head moved since weave looked: it looks again");
  if (status === 405 && /base branch was modified/i.test(message)) return refused("base-modified", "the target moved during the merge: weave tries again");
  if (status === 405 && /not mergeable/i.test(message)) return refused("not-mergeable-yet", "GitHub is still computing mergeability: weave looks again");
  if (/out of date|is behind/i.test(message)) return refused("head-behind", "the branch is behind its target: weave updates it");
  if (/through the merge queue/i.test(message)) return refused("merge-queue-required", "the target takes changes through its merge queue: weave enqueues it");
  if (/required|review|status check|rule|blocked/i.test(message)) return refused("merge-blocked", "the target's rules are not satisfied yet: GitHub merges it when they are");
  return refused("merge-refused", "fix what GitHub names, then say `/weave merge <id>`");
}

/** A refused `PUT /pulls/{n}/update-branch`: the `workflows` refusal, or `head-moved` (422: the head moved, or nothing to update). */
export function updateBranchRefusal(message: string, pull: number, target: string): WeaveError {
  return workflowsRefusal(message, `updating #${pull} with ${target}`) ?? new WeaveError("head-moved", `GitHub did not update #${pull}: ${message}`, { hint: "weave looks again" });
}

/**
 * A refused `enablePullRequestAutoMerge`: `mergeable-now` when GitHub says the PR is in a clean or unstable status
 * (nothing to wait for: merge it), otherwise the error as it came (a WeaveError from the request, or wrapped).
 */
export function autoMergeRefusal(error: unknown, pull: number): WeaveError {
  const message = error instanceof Error ? error.message : String(error);
  if (/clean status|unstable status/i.test(message.split("\n")[0] ?? "")) {
    return new WeaveError("mergeable-now", `GitHub did not arm auto-merge for #${pull}: it can merge now`, { cause: error, hint: "weave merges it on its next attempt" });
  }
  return toWeaveError(error);
}

/** A 422 to `POST /pulls`: a PR for this head exists already, or the branch adds nothing; undefined otherwise. */
export function createPullRefusal(text: string): "exists" | "empty" | undefined {
  if (/already exists/i.test(text)) return "exists";
  if (/no commits between/i.test(text)) return "empty";
  return undefined;
}

/**
 * What GitHub's side of a refused `git push` says (its words come back through git's stderr): the `workflows`
 * refusal, or rules that refuse any push to `ref` (`not-authorized`, with GitHub's reasons); undefined when it is
 * neither — then git's own words decide (git/git-refusals.ts: not a fast-forward is `head-moved`).
 */
export function pushRefusal(stderr: string, ref: string): WeaveError | undefined {
  const workflows = workflowsRefusal(stderr, `the push to ${ref}`);
  if (workflows) return workflows;
  if (!/GH006|GH013|protected branch|rule violations/i.test(stderr)) return undefined;
  // The target's rules refuse this push whatever its content: say GitHub's reasons, not git's noise.
  const reasons = stderr.split("\n").map((l) => /^remote: - (.*\S)/.exec(l)?.[1]).filter(Boolean);
  return new WeaveError("not-authorized", `GitHub's rules refuse pushes to ${ref}${reasons.length ? `: ${reasons.join("; ")}` : ""}`, { hint: "merge through a pull request (`merge.via: pr`)" });
}

/** A rate-limited request (`x-ratelimit-remaining: 0` or a secondary limit's `retry-after`), undefined otherwise. */
export function rateLimitRefusal(status: number | undefined, headers: Record<string, unknown>, message: string, cause: unknown): WeaveError | undefined {
  if (status !== 403 && status !== 429) return undefined;
  if (headers["x-ratelimit-remaining"] !== "0" && headers["retry-after"] === undefined) return undefined;
  const after = Number(headers["retry-after"]);
  const reset = Number(headers["x-ratelimit-reset"]);
  const when = Number.isFinite(after) && after > 0 ? `in ${after}s` : Number.isFinite(reset) && reset > 0 ? `after ${new Date(reset * 1000).toISOString()}` : "on its next reconcile";
  return new WeaveError("rate-limited", `GitHub rate limit: ${message}`, { cause, hint: `weave tries again ${when}; many repositories on one installation share its limit` });
}
