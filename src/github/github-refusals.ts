/**
 * GitHub's refusals, translated at the edge: what a refused merge, update-branch or git push means, in weave's
 * words, so the code above branches on a kind and a WeaveError code, never on GitHub's English.
 * Responsibilities: the `workflows` permission refusal (a change under `.github/workflows/` pushed or merged by an
 * App without that permission, or by a job's GITHUB_TOKEN, which can never have it) with GitHub's words and the
 * fix; 405 "Base branch was modified" (a race: try again) apart from 405 "not mergeable" and other 405/422s.
 * Not here: the requests (github/repo-client.ts, github/repo-mirror.ts).
 * Invariants: pure; where GitHub gives a status, the status decides; text is read only where GitHub gives nothing else.
 */
import { WeaveError } from "../core/errors.js";

/** GitHub's git and REST answer when a change touches workflow files and the token lacks `workflows`. */
const WORKFLOWS_REFUSAL = /refusing to allow (?:a GitHub App|an OAuth App|a Personal Access Token|a GitHub Actions? token)? ?to (?:create or update|create|update) workflow[^\n]*/i;

export type MergeRefusal =
  /** The base moved between the check and the merge (405 "Base branch was modified"): try again at once. */
  | { kind: "base-moved" }
  /** GitHub has not computed mergeability, or sees the PR as not mergeable right now. */
  | { kind: "not-mergeable" }
  /** Strict required checks: the head branch is behind the target ("Head branch is out of date"). */
  | { kind: "behind" }
  /** The target takes changes only through its merge queue (classic protection, which rulesets do not show). */
  | { kind: "queue-required" }
  /** Required checks, reviews or other rules are not satisfied (yet). */
  | { kind: "requirements" }
  /** The change touches `.github/workflows/` and weave's token may not write workflows. */
  | { kind: "workflows"; error: WeaveError }
  | { kind: "other"; message: string };

/** The workflows refusal, as a WeaveError naming GitHub's words and the fix; undefined when `text` is not one. */
export function workflowsRefusal(text: string, where: string): WeaveError | undefined {
  const words = WORKFLOWS_REFUSAL.exec(text)?.[0]?.trim();
  if (!words) return undefined;
  return new WeaveError("workflows-permission", `GitHub refused ${where}: "${words}"`, {
    hint: "the change edits .github/workflows/: grant the weave App the `workflows` (Workflows: write) permission and accept it on the installation, or merge this milestone by hand",
  });
}

/** A refused `PUT /pulls/{n}/merge` (405 or 422), by status first and GitHub's message where the status is shared. */
export function classifyMergeRefusal(status: number, message: string): MergeRefusal {
  const workflows = workflowsRefusal(message, "the merge");
  if (workflows) return { kind: "workflows", error: workflows };
  if (status === 405 && /base branch was modified/i.test(message)) return { kind: "base-moved" };
  if (status === 405 && /not mergeable/i.test(message)) return { kind: "not-mergeable" };
  if (/out of date|is behind/i.test(message)) return { kind: "behind" };
  if (/through the merge queue/i.test(message)) return { kind: "queue-required" };
  if (/required|review|status check|rule|blocked/i.test(message)) return { kind: "requirements" };
  return { kind: "other", message };
}
