/**
 * Merge requirements: what a pull request still needs before its base's rules (rulesets and classic protection) let it
 * merge — approvals (the latest decisive review per reviewer with write access), required check runs on a commit (on a
 * head that is up to date with the base, when the checks are strict), the merge queue, allowed merge methods — and the
 * `mergeable_state` GitHub shows from them (draft, dirty, unknown, blocked, behind, unstable, clean).
 * Not here: git mergeability (repo-events.ts), writing the merge (pull-merge.ts), direct ref moves (branch-rules.ts).
 */
import type { BranchRules } from "./branch-rules.js";
import { anyNonPassing, checksReason, isStrict, verdicts } from "./required-checks.js";
import type { PullRecord, RepoRecord, UserRecord, World } from "./world.js";

export interface Requirements {
  /** Why the reviews do not allow a merge yet, in GitHub's words. */
  reviews: string[];
  /** Why the required checks do not allow a merge yet, in GitHub's words. */
  checks: string[];
  /** The base branch only changes through its merge queue. */
  queue: boolean;
  /** Strict required checks and the head is behind the base (the merge queue makes strictness moot). */
  behind: boolean;
  /** The reasons above that come from classic branch protection (GitHub answers those without the ruleset preamble). */
  classic: Set<string>;
}

export const blocking = (r: Requirements): string[] => [...r.reviews, ...r.checks];

/** The base's requirements for `pull`; required checks are read on `sha` (the head, or a merge group's commit). */
export function requirements(world: World, rules: BranchRules, repo: RepoRecord, pull: PullRecord, sha = pull.headSha): Requirements {
  const out: Requirements = { reviews: [], checks: [], queue: false, behind: false, classic: new Set() };
  const all = rules.forBranch(repo, pull.base);
  out.queue = all.some(({ rule }) => rule.type === "merge_queue");
  const behind = !out.queue && sha === pull.headSha && pull.behind === true;
  for (const { rule, ruleset } of all) {
    const found: string[] = [];
    if (rule.type === "pull_request") out.reviews.push(...remember(found, reviewReasons(world, repo, pull, Number(rule.parameters?.required_approving_review_count ?? 0))));
    if (rule.type === "required_status_checks") {
      if (behind && isStrict(rule)) out.behind = true;
      const reason = checksReason(verdicts(repo, sha, rule, behind));
      if (reason !== undefined) out.checks.push(...remember(found, [reason]));
    }
    if (ruleset.source === "protection") for (const reason of found) out.classic.add(reason);
  }
  return out;
}

function remember(found: string[], reasons: string[]): string[] {
  found.push(...reasons);
  return reasons;
}

function reviewReasons(world: World, repo: RepoRecord, pull: PullRecord, required: number): string[] {
  if (required === 0) return [];
  const latest = new Map<number, { user: UserRecord; state: string }>();
  for (const review of pull.reviews) {
    if (["APPROVED", "CHANGES_REQUESTED", "DISMISSED"].includes(review.state)) latest.set(review.user.id, { user: review.user, state: review.state });
  }
  const counted = [...latest.values()].filter((r) => hasWriteAccess(world, repo, r.user));
  const reasons: string[] = [];
  if (counted.some((r) => r.state === "CHANGES_REQUESTED")) reasons.push("Changes requested by a reviewer with write access.");
  if (counted.filter((r) => r.state === "APPROVED").length < required) {
    reasons.push(required === 1 ? "At least 1 approving review is required by reviewers with write access." : `At least ${required} approving reviews are required by reviewers with write access.`);
  }
  return reasons;
}

/** People with a write role; an App's bot when its installation on the repository may write contents. */
function hasWriteAccess(world: World, repo: RepoRecord, user: UserRecord): boolean {
  if (user.type === "Bot") return world.installationsCovering(repo).some((i) => i.app.bot.id === user.id && ["write", "admin"].includes(i.app.permissions.contents ?? ""));
  return ["write", "maintain", "admin"].includes(world.permissionOf(repo, user.login));
}

/** GitHub's refusal of a merge method the base's pull_request rule does not allow, if any. */
export function methodRefusal(rules: BranchRules, repo: RepoRecord, pull: PullRecord, method: string): string | undefined {
  const allowed = rules.rule(repo, pull.base, "pull_request")?.parameters?.allowed_merge_methods as string[] | undefined;
  if (allowed === undefined || allowed.includes(method)) return undefined;
  return { merge: "Merge commits are not allowed on this repository.", squash: "Squash merges are not allowed on this repository.", rebase: "Rebase merges are not allowed on this repository." }[method];
}

/** `mergeable_state` as GitHub shows it, once git mergeability (`pull.mergeable`) is known. */
export function mergeState(world: World, rules: BranchRules, repo: RepoRecord, pull: PullRecord): string {
  if (pull.state !== "open") return pull.mergeableState;
  if (pull.mergeable === null) return "unknown";
  if (pull.draft) return "draft";
  if (!pull.mergeable) return "dirty";
  const needs = requirements(world, rules, repo, pull);
  if (needs.reviews.length > 0) return "blocked";
  if (needs.behind) return "behind";
  if (needs.checks.length > 0) return "blocked";
  return anyNonPassing(repo, pull.headSha) ? "unstable" : "clean";
}
