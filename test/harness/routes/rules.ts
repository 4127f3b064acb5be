/**
 * Rules routes: `GET /repos/{owner}/{repo}/rules/branches/{branch}` — every active rule that applies to a branch
 * (which need not exist), each with the ruleset it comes from (`ruleset_source_type`, `ruleset_source`, `ruleset_id`).
 * Not here: seeding and enforcing rules (branch-rules.ts); classic protection is not listed (GitHub lists rulesets only),
 * it has its own routes (routes/protection.ts). Invariant: needs only metadata read, like GitHub.
 */
import type { RouteTable } from "../route-types.js";
import { page, str } from "../route-types.js";

export const ruleRoutes: RouteTable = {
  "repos/get-branch-rules": (ctx) => {
    const repo = ctx.repo("metadata", "read");
    const rules = ctx.rules.forBranch(repo, str(ctx, "branch")).filter(({ ruleset }) => ruleset.source !== "protection").map(({ rule, ruleset }) => ({
      ...structuredClone(rule), ruleset_source_type: "Repository", ruleset_source: repo.fullName, ruleset_id: ruleset.id,
    }));
    return { status: 200, body: page(ctx, rules) };
  },
};
