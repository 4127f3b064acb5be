/**
 * Required status checks: whether a commit satisfies a `required_status_checks` rule, and GitHub's words when not.
 * Responsibilities: pick the latest check run per required context (and App, when `integration_id` is set) on a sha;
 * success, neutral and skipped pass; missing or unfinished runs are "expected"; any other conclusion has "not succeeded".
 * Not here: commit statuses (the statuses API is not modelled, so only check runs satisfy a context).
 */
import type { BranchRuleRecord, CheckRunRecord, RepoRecord } from "./world.js";

export interface CheckVerdict { context: string; state: "passed" | "expected" | "failed" }

const PASSING = new Set(["success", "neutral", "skipped"]);

export function requiredContexts(rule: BranchRuleRecord): { context: string; integration_id?: number }[] {
  return ((rule.parameters?.required_status_checks as { context: string; integration_id?: number }[] | undefined) ?? []);
}

/** The latest check run named `context` on `sha` (from App `appId`, when given). */
export function latestRun(repo: RepoRecord, sha: string, context: string, appId?: number): CheckRunRecord | undefined {
  let latest: CheckRunRecord | undefined;
  for (const run of repo.checkRuns.values()) {
    if (run.headSha !== sha || run.name !== context || (appId !== undefined && run.app.id !== appId)) continue;
    if (latest === undefined || run.id > latest.id) latest = run;
  }
  return latest;
}

/** Whether the rule requires branches to be up to date before merging ("strict" required status checks). */
export const isStrict = (rule: BranchRuleRecord): boolean => rule.parameters?.strict_required_status_checks_policy === true;

/** Each required context's state on `sha`. A strict rule on a head that is `behind` its base counts a passed check as
 * "expected" again, as GitHub does ("6 of 6 required status checks are expected." on a BEHIND head with green checks). */
export function verdicts(repo: RepoRecord, sha: string, rule: BranchRuleRecord, behind = false): CheckVerdict[] {
  return requiredContexts(rule).map(({ context, integration_id: appId }) => {
    const run = latestRun(repo, sha, context, appId);
    let state: CheckVerdict["state"] = run === undefined || run.status !== "completed" ? "expected" : PASSING.has(run.conclusion ?? "") ? "passed" : "failed";
    if (state === "passed" && behind && isStrict(rule)) state = "expected";
    return { context, state };
  });
}

/** GitHub's reason for a commit that does not satisfy the rule, or undefined when every required check passed. */
export function checksReason(all: CheckVerdict[]): string | undefined {
  const open = all.filter((v) => v.state !== "passed");
  if (open.length === 0) return undefined;
  if (open.some((v) => v.state === "failed")) return `${open.length} of ${all.length} required status checks have not succeeded.`;
  if (all.length === 1) return `Required status check "${open[0]?.context ?? ""}" is expected.`;
  return `${open.length} of ${all.length} required status checks are expected.`;
}

/** Whether any check run on `sha` is unfinished or did not pass (GitHub's "unstable" when nothing else blocks). */
export function anyNonPassing(repo: RepoRecord, sha: string): boolean {
  const latest = new Map<string, CheckRunRecord>();
  for (const run of repo.checkRuns.values()) {
    if (run.headSha !== sha) continue;
    const key = `${run.app.id}:${run.name}`;
    const seen = latest.get(key);
    if (seen === undefined || run.id > seen.id) latest.set(key, run);
  }
  return [...latest.values()].some((run) => run.status !== "completed" || !PASSING.has(run.conclusion ?? ""));
}
