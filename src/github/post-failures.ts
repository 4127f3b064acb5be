/**
 * Post failures: every write of text GitHub refuses (a comment, the status comment's edit, a check run, a PR body)
 * is itself reported, by a short fallback comment saying what failed and where to look.
 * Responsibilities: wrap a RepoClient's text writes; on a refusal other than a rate limit (which weave retries on its
 * own), post one fallback comment — on the issue the reply was for, else on the run's tracking issue — once per
 * kind of write, place and HTTP status for the client's life; then fail as before.
 * Not here: the writes themselves and the redaction and fitting of texts (github/repo-client.ts), what to post.
 * Invariants: the fallback never holds the text that failed, nor GitHub's words about it (they may quote it): only
 * weave's own description of the write, the HTTP status and a fixed pointer; a failing fallback is never reported
 * again (no loop); the wrapped call's error is rethrown unchanged.
 */
import { isWeaveError } from "../core/errors.js";
import { httpStatus } from "./repo-client.js";
import type { RepoClient } from "./repo-client.js";

export interface PostFailureOptions {
  /** The run's tracking issue, when there is a run: where failures of writes not tied to an issue are reported. */
  trackingIssue(): number | undefined;
  /** Where a fallback that could not be posted either is said (the App's log). */
  log?(message: string): void;
}

/** What GitHub's status means for a write, in weave's words (never GitHub's own message). */
export function refusalMeaning(status: number | undefined): string {
  if (status === 422) return "GitHub refused the text (too long or not valid for that field)";
  if (status === 403 || status === 401) return "GitHub refused the App's permission for it (see the App's permissions and its installation)";
  if (status === 404) return "GitHub no longer has what it was written to";
  if (status === 410) return "that place is gone or locked";
  return `GitHub's request failed${status ? ` (${status})` : ""}`;
}

/** The fallback comment for a failed write: what failed, why in weave's words, and where to look. */
export function fallbackText(what: string, status: number | undefined): string {
  return [
    `### ⚠️ weave could not post ${what}`,
    "",
    `${refusalMeaning(status)}${status ? ` — HTTP ${status}` : ""}. The App's log has the details;`
      + " `/weave status` refreshes the run's status comment, and each milestone's check run and job log show its progress.",
  ].join("\n");
}

/** The status GitHub answered, from a WeaveError's cause (repo-client translates at its edge) or the error itself. */
function statusOf(e: unknown): number | undefined {
  return httpStatus(e) ?? (isWeaveError(e) ? httpStatus(e.cause) : undefined);
}

export function reportingPostFailures(client: RepoClient, options: PostFailureOptions): RepoClient {
  const reported = new Set<string>();
  const guard = async <T>(what: string, issue: number | undefined, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (e) {
      if (isWeaveError(e) && e.code === "rate-limited") throw e;
      const status = statusOf(e);
      const where = issue ?? options.trackingIssue();
      const key = `${what}|${where ?? "-"}|${status ?? "-"}`;
      if (where !== undefined && !reported.has(key)) {
        reported.add(key);
        await client.createComment(where, fallbackText(what, status)).catch((again: unknown) => {
          options.log?.(`weave could not post ${what}, nor the comment saying so on #${where}: ${(again as Error).message}`);
        });
      }
      throw e;
    }
  };
  const checkName = (params: Record<string, unknown>): string => (typeof params.name === "string" ? ` \`${params.name.replace(/[`\n]/g, "")}\`` : "");
  return {
    ...client,
    createComment: (issue, body) => guard("a comment here", issue, () => client.createComment(issue, body)),
    updateComment: (id, body) => guard("an update of its status comment", undefined, () => client.updateComment(id, body)),
    createCheckRun: (params) => guard(`the check run${checkName(params)}`, undefined, () => client.createCheckRun(params)),
    updateCheckRun: (id, params) => guard("an update of a milestone's check run", undefined, () => client.updateCheckRun(id, params)),
    createPull: (params) => guard(`the pull request for \`${params.head.replace(/[`\n]/g, "")}\``, undefined, () => client.createPull(params)),
    updatePull: (number, params) => guard(`an update of pull request #${number}`, undefined, () => client.updatePull(number, params)),
  };
}
