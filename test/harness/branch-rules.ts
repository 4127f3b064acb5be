/**
 * Branch rules (repository rulesets, and classic protection kept as the rules it implies): what a test seeds with
 * `repo.setBranchRules` or a client PUTs as protection, which rules apply to a branch,
 * and GitHub's refusals of direct ref moves (REST ref updates, `POST /merges`, `git push`).
 * Responsibilities: check seeded rules against GitHub's schema and refuse what the stand-in does not model; match
 * branches like rulesets do (fnmatch, `~DEFAULT_BRANCH`, `~ALL`); the "Repository rule violations found" reasons.
 * Not here: what a pull request needs to merge (merge-requirements.ts), the push hook (push-rules.ts).
 * Invariants: rules bind everyone, admins included (no bypass actors); seeding moves refs without them.
 */
import picomatch from "picomatch";
import { ZERO_SHA } from "./git-backend.js";
import type { OpenApiValidator } from "./openapi-validator.js";
import type { RefChange } from "./repo-events.js";
import { checksReason, verdicts } from "./required-checks.js";
import { HttpError } from "./world.js";
import type { BranchRuleRecord, RepoRecord, RulesetRecord, World } from "./world.js";

/** GitHub's defaults for a new merge queue rule (tests spread these and override). */
export const mergeQueueDefaults = {
  check_response_timeout_minutes: 60, grouping_strategy: "ALLGREEN", max_entries_to_build: 5, max_entries_to_merge: 5,
  merge_method: "MERGE", min_entries_to_merge: 1, min_entries_to_merge_wait_minutes: 5,
} as const;

const MODELLED = new Set(["creation", "update", "deletion", "non_fast_forward", "pull_request", "required_status_checks", "merge_queue"]);

/** The error GitHub answers when rules refuse a request ("Repository rule violations found\n\n<reason>\n\n"). */
export function ruleViolations(status: number, reasons: string[], documentationUrl: string): HttpError {
  return new HttpError(status, `Repository rule violations found\n\n${reasons.map((r) => `${r}\n\n`).join("")}`, { documentation_url: documentationUrl });
}

export class BranchRules {
  constructor(private readonly validator: OpenApiValidator, private readonly world: World) {}

  /** Replaces the ruleset targeting `pattern` (a branch name, an fnmatch pattern, `~DEFAULT_BRANCH` or `~ALL`). */
  set(repo: RepoRecord, pattern: string, rules: BranchRuleRecord[]): RulesetRecord {
    for (const rule of rules) {
      const problems = this.validator.checkComponent("repository-rule-detailed", rule);
      if (problems.length > 0) throw new Error(`setBranchRules: ${JSON.stringify(rule)} is not a repository rule GitHub accepts: ${problems.join("; ")}`);
      const unmodelled = unmodelledPart(rule);
      if (unmodelled !== undefined) throw new Error(`setBranchRules: ${unmodelled} is not modelled by the stand-in`);
    }
    const existing = repo.rulesets.find((r) => r.branch === pattern && r.source !== "protection");
    const ruleset: RulesetRecord = { id: existing?.id ?? this.world.id(), name: `${pattern} rules`, branch: pattern, rules: structuredClone(rules), source: "ruleset" };
    repo.rulesets = [...repo.rulesets.filter((r) => r !== existing), ruleset];
    return ruleset;
  }

  /** Sets (or, with undefined, removes) the classic protection of `branch`: the rules it implies and the body it was set with. */
  setProtection(repo: RepoRecord, branch: string, rules: BranchRuleRecord[] | undefined, body?: Record<string, unknown>): RulesetRecord | undefined {
    const existing = this.protection(repo, branch);
    repo.rulesets = repo.rulesets.filter((r) => r !== existing);
    if (rules === undefined) return undefined;
    const record: RulesetRecord = { id: existing?.id ?? this.world.id(), name: `${branch} protection`, branch, rules: structuredClone(rules), source: "protection", protection: structuredClone(body ?? {}) };
    repo.rulesets.push(record);
    return record;
  }

  protection(repo: RepoRecord, branch: string): RulesetRecord | undefined {
    return repo.rulesets.find((r) => r.source === "protection" && r.branch === branch);
  }

  /** Every active rule that applies to `branch`, with the ruleset (or classic protection) it comes from. */
  forBranch(repo: RepoRecord, branch: string): { rule: BranchRuleRecord; ruleset: RulesetRecord }[] {
    return repo.rulesets.filter((r) => (r.source === "protection" ? r.branch === branch : matches(repo, r.branch, branch))).flatMap((ruleset) => ruleset.rules.map((rule) => ({ rule, ruleset })));
  }

  rule(repo: RepoRecord, branch: string, type: string): BranchRuleRecord | undefined {
    return this.forBranch(repo, branch).find(({ rule }) => rule.type === type)?.rule;
  }

  /** GitHub's reasons for refusing a direct move of a ref (anything but a pull request merge or the merge queue). */
  refMoveReasons(repo: RepoRecord, change: RefChange, fastForward: boolean): string[] {
    if (!change.ref.startsWith("refs/heads/")) return [];
    const created = change.before === ZERO_SHA;
    const deleted = change.after === ZERO_SHA;
    const updated = !created && !deleted;
    const reasons: string[] = [];
    for (const { rule } of this.forBranch(repo, change.ref.slice("refs/heads/".length))) {
      if (rule.type === "creation" && created) reasons.push("Cannot create ref due to creations being restricted.");
      if (rule.type === "update" && updated) reasons.push("Cannot update this protected ref.");
      if (rule.type === "deletion" && deleted) reasons.push("Cannot delete this branch");
      if (rule.type === "non_fast_forward" && updated && !fastForward) reasons.push("Cannot force-push to this branch");
      if (rule.type === "pull_request" && updated) reasons.push("Changes must be made through a pull request.");
      if (rule.type === "merge_queue" && updated) reasons.push("Changes must be made through the merge queue");
      if (rule.type === "required_status_checks" && !deleted && !(created && rule.parameters?.do_not_enforce_on_create === true)) {
        const reason = checksReason(verdicts(repo, change.after, rule));
        if (reason !== undefined) reasons.push(reason);
      }
    }
    return reasons;
  }
}

function matches(repo: RepoRecord, pattern: string, branch: string): boolean {
  if (pattern === "~ALL") return true;
  if (pattern === "~DEFAULT_BRANCH") return branch === repo.defaultBranch;
  return picomatch.isMatch(branch, pattern.replace(/^refs\/heads\//, ""), { dot: true });
}

function unmodelledPart(rule: BranchRuleRecord): string | undefined {
  const p = rule.parameters ?? {};
  if (!MODELLED.has(rule.type)) return `the ${rule.type} rule`;
  if (rule.type === "pull_request") {
    if (p.require_code_owner_review === true) return "pull_request.require_code_owner_review (CODEOWNERS)";
    if (p.require_last_push_approval === true) return "pull_request.require_last_push_approval";
    if (Array.isArray(p.required_reviewers) && p.required_reviewers.length > 0) return "pull_request.required_reviewers";
  }
  if (rule.type === "merge_queue") {
    if (p.merge_method === "REBASE") return "merge_queue.merge_method REBASE";
    if (Number(p.min_entries_to_merge) > 1) return "merge_queue.min_entries_to_merge > 1 (the stand-in merges one entry at a time)";
  }
  return undefined;
}
