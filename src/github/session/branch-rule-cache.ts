/**
 * Branch-rule cache: the rules of merge targets as GitHub last reported them, and the targets found to need a merge
 * queue that their rulesets do not show (classic branch protection).
 * Responsibilities: spare a rules read per landing (github/pull-merge.ts reads and refreshes it).
 * Not here: what the rules mean for a landing (github/landing-policy.ts).
 * Invariants: each entry carries when it was read; a queue target, once learnt from GitHub's refusal, stays one for
 * the life of the process.
 */
import type { BranchRule } from "../repo-client.js";

export interface BranchRuleCache {
  /** target branch → its rules, with when they were read. */
  readonly rules: Map<string, { at: number; rules: BranchRule[] }>;
  readonly queueTargets: Set<string>;
}

export function createBranchRuleCache(): BranchRuleCache {
  return { rules: new Map(), queueTargets: new Set() };
}
