/**
 * Job claims: which OIDC tokens may speak for a milestone — only the worker workflow's own dispatched run.
 * Responsibilities: pin a verified token's claims (event, workflow file on the default branch, repository id, run id
 * and attempt of the recorded run); the issuer of a GitHub host (github.com, GHE.com, GHES).
 * Not here: verifying the signature (github/heartbeat-endpoint.ts, jose); what the body says (core/heartbeat-claim.ts).
 * Invariants: pure; a missing claim is a mismatch, never a pass. Pinning cannot tell the agent from the Action in the
 * same job — the checks against git (github/finish-evidence.ts) are the real defence.
 */

export interface ExpectedJob {
  repository: string;
  /** Stored at claim time; undefined only for a ledger written before it was kept (then not pinned). */
  repositoryId?: number;
  workflowFile: string;
  defaultBranch: string;
  runId: number;
  runAttempt: number;
}

/** Reasons the token's claims are not those of the recorded worker run; empty when they are. */
export function jobClaimProblems(claims: Record<string, unknown>, expected: ExpectedJob): string[] {
  const problems: string[] = [];
  const want = (name: string, value: string): void => {
    if (claims[name] !== value) problems.push(`${name} is ${JSON.stringify(claims[name] ?? null)}, expected ${JSON.stringify(value)}`);
  };
  want("repository", expected.repository);
  if (expected.repositoryId !== undefined) want("repository_id", String(expected.repositoryId));
  want("event_name", "workflow_dispatch");
  want("workflow_ref", `${expected.repository}/.github/workflows/${expected.workflowFile}@refs/heads/${expected.defaultBranch}`);
  want("run_id", String(expected.runId));
  want("run_attempt", String(expected.runAttempt));
  return problems;
}

/**
 * The Actions OIDC issuer for a GitHub host: token.actions.githubusercontent.com for github.com,
 * token.actions.<sub>.ghe.com for GHE.com (data residency), https://<host>/_services/token for GHES.
 */
export function oidcIssuerFor(host: string | undefined): string {
  const h = (host ?? "github.com").replace(/^https?:\/\//, "").replace(/\/.*$/, "").toLowerCase();
  if (h === "github.com" || h === "api.github.com") return "https://token.actions.githubusercontent.com";
  if (h.endsWith(".ghe.com")) return `https://token.actions.${h.replace(/^api\./, "")}`;
  return `https://${h}/_services/token`;
}
