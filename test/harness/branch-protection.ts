/**
 * Classic branch protection (`GET/PUT/DELETE /repos/{o}/{r}/branches/{b}/protection`): the PUT body turned into the
 * repository rules it implies (required status checks with `strict`, pull request reviews, no force pushes, no
 * deletions), kept beside rulesets so one set of requirements (merge-requirements.ts) applies both, and the body
 * GitHub answers. Not here: enforcing (branch-rules.ts, merge-requirements.ts). Invariants: protection binds admins too
 * (stricter than `enforce_admins: false`); settings the stand-in does not model answer 501 (a violation).
 */
import { HttpError } from "./world.js";
import type { BranchRuleRecord, RulesetRecord } from "./world.js";

interface ProtectionBody {
  required_status_checks: { strict: boolean; contexts: string[]; checks?: { context: string; app_id?: number }[] } | null;
  enforce_admins: boolean | null;
  required_pull_request_reviews: { dismiss_stale_reviews?: boolean; require_code_owner_reviews?: boolean; required_approving_review_count?: number; require_last_push_approval?: boolean } | null;
  restrictions: unknown;
  required_linear_history?: boolean; allow_force_pushes?: boolean | null; allow_deletions?: boolean; block_creations?: boolean;
  required_conversation_resolution?: boolean; lock_branch?: boolean; allow_fork_syncing?: boolean;
}

const unmodelled = (what: string): HttpError => new HttpError(501, `classic branch protection ${what} is not modelled by the stand-in`);

/** The rules a protection body implies (throws 501 for what the stand-in does not model). */
export function protectionRules(body: Record<string, unknown>): BranchRuleRecord[] {
  const p = body as unknown as ProtectionBody;
  if (p.restrictions !== null && p.restrictions !== undefined) throw unmodelled("restrictions");
  for (const flag of ["required_linear_history", "block_creations", "lock_branch", "required_conversation_resolution"] as const) if (p[flag] === true) throw unmodelled(flag);
  if (p.required_pull_request_reviews?.require_code_owner_reviews === true) throw unmodelled("require_code_owner_reviews (CODEOWNERS)");
  if (p.required_pull_request_reviews?.require_last_push_approval === true) throw unmodelled("require_last_push_approval");
  const rules: BranchRuleRecord[] = [];
  if (p.required_status_checks !== null) {
    const checks: { context: string; app_id?: number }[] = p.required_status_checks.checks ?? p.required_status_checks.contexts.map((context) => ({ context }));
    rules.push({ type: "required_status_checks", parameters: {
      required_status_checks: checks.map((c) => (c.app_id === undefined || c.app_id === -1 ? { context: c.context } : { context: c.context, integration_id: c.app_id })),
      strict_required_status_checks_policy: p.required_status_checks.strict,
    } });
  }
  if (p.required_pull_request_reviews !== null) {
    const r = p.required_pull_request_reviews;
    rules.push({ type: "pull_request", parameters: {
      required_approving_review_count: r.required_approving_review_count ?? 0, dismiss_stale_reviews_on_push: r.dismiss_stale_reviews === true,
      require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false,
    } });
  }
  if (p.allow_force_pushes !== true) rules.push({ type: "non_fast_forward" });
  if (p.allow_deletions !== true) rules.push({ type: "deletion" });
  return rules;
}

/** The protection as `GET …/protection` (and the PUT answer) shows it. */
export function protectionShape(api: string, fullName: string, branch: string, record: RulesetRecord): Record<string, unknown> {
  const p = (record.protection ?? {}) as unknown as ProtectionBody;
  const url = `${api}/repos/${fullName}/branches/${encodeURIComponent(branch)}/protection`;
  const enabled = (value: boolean | null | undefined): { enabled: boolean } => ({ enabled: value === true });
  const checks: { context: string; app_id?: number }[] | undefined = p.required_status_checks === null ? undefined : p.required_status_checks.checks ?? p.required_status_checks.contexts.map((context) => ({ context }));
  return {
    url,
    ...(p.required_status_checks === null || checks === undefined ? {} : { required_status_checks: {
      url: `${url}/required_status_checks`, strict: p.required_status_checks.strict, contexts: checks.map((c) => c.context),
      contexts_url: `${url}/required_status_checks/contexts`, checks: checks.map((c) => ({ context: c.context, app_id: c.app_id ?? null })),
    } }),
    ...(p.required_pull_request_reviews === null ? {} : { required_pull_request_reviews: {
      url: `${url}/required_pull_request_reviews`, dismiss_stale_reviews: p.required_pull_request_reviews.dismiss_stale_reviews === true,
      require_code_owner_reviews: false, required_approving_review_count: p.required_pull_request_reviews.required_approving_review_count ?? 0, require_last_push_approval: false,
    } }),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforce_admins === true },
    required_linear_history: enabled(p.required_linear_history), allow_force_pushes: enabled(p.allow_force_pushes), allow_deletions: enabled(p.allow_deletions),
    block_creations: enabled(p.block_creations), required_conversation_resolution: enabled(p.required_conversation_resolution), lock_branch: enabled(p.lock_branch),
    allow_fork_syncing: enabled(p.allow_fork_syncing),
  };
}
