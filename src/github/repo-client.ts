/**
 * Repository client: the GitHub calls the App makes for one repository, in weave's words, over an installation Octokit.
 * Responsibilities: plan at the default branch, refs (claim = create, CAS = non-forced update), dispatch with
 * return_run_details, check runs, comments and reactions, collaborator permission, runs, commits on the target.
 * Not here: what to call when (github/reconcile-repo.ts), the ledger's format (github/ledger.ts).
 * Invariants: non-idempotent writes (dispatch, ref writes, merges) go out with retries off; GitHub errors are
 * translated into WeaveError at this edge; every call is counted; every text sent (comment, PR body, check-run
 * output) is redacted (core/safe-text.ts) and fitted into GitHub's limits here, so no caller can post a secret.
 */
import { WeaveError } from "../core/errors.js";
import type { ListedCommit } from "../core/merged-evidence.js";
import { CHECK_OUTPUT_LIMIT, COMMENT_LIMIT, fitBody, redactSecrets } from "../core/safe-text.js";
import { createPullRefusal, mergeRefusal, rateLimitRefusal, updateBranchRefusal } from "./github-refusals.js";
import { listedComment } from "./listed-comment.js";
import type { CommentData, ListedComment } from "./listed-comment.js";
import { urgently } from "./write-lane.js";

/** The subset of Octokit the App uses: `request(route, params)`. */
export interface OctokitLike {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown; headers?: Record<string, unknown> }>;
  /** GraphQL (auto-merge and merge queues have no REST API). */
  graphql?: (query: string, variables?: Record<string, unknown>) => Promise<unknown>;
  /** Octokit's auth hook: an installation Octokit answers `{ token }` (used for git over HTTPS). */
  auth?: (options?: Record<string, unknown>) => Promise<unknown>;
}

/** A pull request as weave reads it. */
export interface PullView {
  number: number;
  nodeId: string;
  state: "open" | "closed";
  merged: boolean;
  /** null while GitHub is still computing it. */
  mergeable: boolean | null;
  mergeableState: string;
  headSha: string;
  autoMerge: boolean;
}

/** A merge: done, or refused with a WeaveError whose code says what to do (github/github-refusals.ts). */
export type PullMergeResult = { kind: "merged"; sha: string } | { kind: "refused"; error: WeaveError };

/** A repository rule that applies to a branch (rulesets), as `GET /repos/{o}/{r}/rules/branches/{branch}` lists them. */
export interface BranchRule {
  type: string;
  parameters?: Record<string, unknown>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

const NO_RETRY = { request: { retries: 0 } };

export function httpStatus(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e && typeof (e as { status: unknown }).status === "number" ? (e as { status: number }).status : undefined;
}

export interface RepoClient extends RepoRef {
  fullName: string;
  calls: Map<string, number>;
  defaultBranch(): Promise<string>;
  /** The repository's numeric id (stable across renames and transfers: pins worker tokens). */
  repositoryId(): Promise<number>;
  readFile(path: string, ref: string): Promise<{ text: string; sha: string } | undefined>;
  branchSha(branch: string): Promise<string | undefined>;
  getRef(ref: string): Promise<string | undefined>;
  /** Creates `refs/<ref>`; false when it already exists (the atomic claim). */
  createRef(ref: string, sha: string): Promise<boolean>;
  /** Non-forced update: false when it is not a fast-forward (someone else moved it). */
  updateRef(ref: string, sha: string): Promise<boolean>;
  deleteRef(ref: string): Promise<void>;
  createCommit(message: string, files: Record<string, string>, parents: string[]): Promise<string>;
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<number | undefined>;
  findRunByTitle(workflow: string, needle: string): Promise<{ id: number; status: string; conclusion: string | null; display_title?: string } | undefined>;
  getRun(runId: number): Promise<{ id: number; status: string; conclusion: string | null; display_title?: string } | undefined>;
  cancelRun(runId: number): Promise<void>;
  createCheckRun(params: Record<string, unknown>): Promise<number>;
  updateCheckRun(id: number, params: Record<string, unknown>): Promise<void>;
  /** A check run's status and output (undefined: gone). */
  getCheckRun(id: number): Promise<{ status: string; output?: { title?: string | null; text?: string | null } } | undefined>;
  createComment(issue: number, body: string): Promise<number>;
  updateComment(id: number, body: string): Promise<boolean>;
  react(commentId: number, content: string): Promise<void>;
  /** Comments on every issue and pull, oldest first, updated since `since` (at most `pages` pages of 100). */
  recentComments(since: Date, pages?: number): Promise<ListedComment[]>;
  permission(login: string): Promise<string>;
  /** The latest commits reachable from `branch` (newest first), with their parents (core/merged-evidence.ts reads them). */
  recentCommits(branch: string, count?: number): Promise<ListedCommit[]>;
  /** The clone URL and a token for git over HTTPS (never logged). */
  gitAccess(): Promise<{ url: string; token: string }>;
  /** Opens a PR; "exists" when one is open for head→base, "empty" when head has nothing base lacks. */
  createPull(params: { title: string; body: string; head: string; base: string }): Promise<PullView | "exists" | "empty">;
  findOpenPull(head: string, base: string): Promise<PullView | undefined>;
  getPull(number: number): Promise<PullView | undefined>;
  updatePull(number: number, params: { body?: string; state?: "open" | "closed" }): Promise<void>;
  /** Merges with `sha` so a moved head is never merged unseen. */
  mergePull(number: number, params: { sha: string; method: "merge" | "squash" | "rebase"; title: string; message: string }): Promise<PullMergeResult>;
  branchRules(branch: string): Promise<BranchRule[]>;
  /**
   * Brings a PR's branch up to date with its base (`PUT /pulls/{n}/update-branch` with the head weave saw): "started"
   * (GitHub answers 202 and pushes the merge itself, as the App, so CI runs on it), or "refused": `workflows-permission`
   * or `head-moved` (422: the head moved, or nothing to update).
   */
  updateBranch(number: number, expectedHead: string, target: string): Promise<{ kind: "started" } | { kind: "refused"; error: WeaveError }>;
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/** Options for `createRepoClient`: the secret values (core/safe-text.ts `secretValuesOf`) never to post. */
export interface RepoClientOptions {
  secretValues?: readonly string[];
}

export function createRepoClient(octokit: OctokitLike, where: RepoRef, options: RepoClientOptions = {}): RepoClient {
  const secrets = options.secretValues ?? [];
  const text = (t: string, limit = COMMENT_LIMIT): string => fitBody(redactSecrets(t, secrets), limit);
  const output = (params: Record<string, unknown>): Record<string, unknown> => {
    const o = params.output as { title?: string; summary?: string; text?: string } | undefined;
    if (!o) return params;
    return {
      ...params,
      output: {
        ...o,
        ...(o.title !== undefined ? { title: text(o.title, 1_000) } : {}),
        ...(o.summary !== undefined ? { summary: text(o.summary, CHECK_OUTPUT_LIMIT) } : {}),
        ...(o.text !== undefined ? { text: text(o.text, CHECK_OUTPUT_LIMIT) } : {}),
      },
    };
  };
  const { owner, repo } = where;
  const calls = new Map<string, number>();
  const call = async <T>(route: string, params: Record<string, unknown> = {}): Promise<T> => {
    calls.set(route, (calls.get(route) ?? 0) + 1);
    const response = await octokit.request(route, { owner, repo, ...params });
    return response.data as T;
  };
  const maybe = async <T>(fn: () => Promise<T>, ...quiet: number[]): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      if (quiet.includes(httpStatus(e) ?? 0)) return undefined;
      throw translate(e);
    }
  };
  let info: { id: number; default_branch: string; clone_url: string } | undefined;
  const repoInfo = async (): Promise<{ id: number; default_branch: string; clone_url: string }> => {
    info ??= await call<{ id: number; default_branch: string; clone_url: string }>("GET /repos/{owner}/{repo}");
    return info;
  };
  const pullView = (p: PullData): PullView => ({
    number: p.number, nodeId: p.node_id, state: p.state === "closed" ? "closed" : "open", merged: p.merged === true, mergeable: p.mergeable ?? null,
    mergeableState: p.mergeable_state ?? "unknown", headSha: p.head.sha, autoMerge: p.auto_merge != null,
  });
  return {
    owner, repo, fullName: `${owner}/${repo}`, calls,
    defaultBranch: async () => (await repoInfo()).default_branch,
    repositoryId: async () => (await repoInfo()).id,
    readFile: (path, ref) => maybe(async () => {
      const data = await call<{ content?: string; encoding?: string; sha: string }>("GET /repos/{owner}/{repo}/contents/{path}", { path, ref });
      return { text: Buffer.from(data.content ?? "", (data.encoding as BufferEncoding) ?? "base64").toString("utf8"), sha: data.sha };
    }, 404),
    branchSha: (branch) => maybe(async () => (await call<{ object: { sha: string } }>("GET /repos/{owner}/{repo}/git/ref/{ref}", { ref: `heads/${branch}` })).object.sha, 404),
    getRef: (ref) => maybe(async () => (await call<{ object: { sha: string } }>("GET /repos/{owner}/{repo}/git/ref/{ref}", { ref })).object.sha, 404),
    createRef: async (ref, sha) => (await maybe(async () => (await call("POST /repos/{owner}/{repo}/git/refs", { ref: `refs/${ref}`, sha, ...NO_RETRY }), true), 422)) === true,
    updateRef: async (ref, sha) => (await maybe(async () => (await call("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ref, sha, force: false, ...NO_RETRY }), true), 422)) === true,
    deleteRef: async (ref) => void (await maybe(() => call("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ref, ...NO_RETRY }), 404, 422)),
    createCommit: async (message, files, parents) => {
      const tree = await call<{ sha: string }>("POST /repos/{owner}/{repo}/git/trees", { tree: Object.entries(files).map(([path, content]) => ({ path, mode: "100644", type: "blob", content })) }).catch((e) => {
        throw translate(e);
      });
      return (await call<{ sha: string }>("POST /repos/{owner}/{repo}/git/commits", { message, tree: tree.sha, parents }).catch((e) => {
        throw translate(e);
      })).sha;
    },
    dispatchWorkflow: async (workflow, ref, inputs) => {
      // Urgent in the write lane: a job's start goes ahead of check-run and comment updates waiting there.
      const data = await urgently(() => call<{ workflow_run_id?: number } | undefined>("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", { workflow_id: workflow, ref, inputs, return_run_details: true, ...NO_RETRY })).catch((e) => {
        throw translate(e);
      });
      return data?.workflow_run_id;
    },
    findRunByTitle: async (workflow, needle) => {
      const data = await maybe(() => call<{ workflow_runs: { id: number; status: string; conclusion: string | null; display_title?: string }[] }>("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", { workflow_id: workflow, event: "workflow_dispatch", per_page: 30 }), 404);
      return data?.workflow_runs.find((r) => r.display_title?.includes(needle));
    },
    getRun: (runId) => maybe(() => call("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { run_id: runId }), 404),
    cancelRun: async (runId) => void (await maybe(() => call("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", { run_id: runId, ...NO_RETRY }), 404, 409)),
    createCheckRun: async (params) => (await call<{ id: number }>("POST /repos/{owner}/{repo}/check-runs", output(params)).catch((e) => {
      throw translate(e);
    })).id,
    updateCheckRun: async (id, params) => void (await maybe(() => call("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { check_run_id: id, ...output(params) }), 404)),
    getCheckRun: (id) => maybe(() => call("GET /repos/{owner}/{repo}/check-runs/{check_run_id}", { check_run_id: id }), 404),
    createComment: async (issue, body) => (await call<{ id: number }>("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { issue_number: issue, body: text(body) }).catch((e) => {
      throw translate(e);
    })).id,
    updateComment: async (id, body) => (await maybe(async () => (await call("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { comment_id: id, body: text(body) }), true), 404)) === true,
    react: async (commentId, content) => void (await maybe(() => call("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { comment_id: commentId, content }), 404, 422)),
    recentComments: async (since, pages = 3) => {
      const listed: ListedComment[] = [];
      for (let page = 1; page <= pages; page++) {
        const batch = await call<CommentData[]>("GET /repos/{owner}/{repo}/issues/comments", { since: since.toISOString(), sort: "created", direction: "asc", per_page: 100, page });
        listed.push(...batch.map(listedComment));
        if (batch.length < 100) break;
      }
      return listed;
    },
    permission: async (login) => (await maybe(() => call<{ permission: string }>("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { username: login }), 404))?.permission ?? "none",
    recentCommits: async (branch, count = 100) => ((await maybe(() => call<{ sha: string; parents: { sha: string }[]; commit: { message: string } }[]>("GET /repos/{owner}/{repo}/commits", { sha: branch, per_page: count }), 404, 409)) ?? []).map((c) => ({ sha: c.sha, parents: c.parents.map((p) => p.sha), message: c.commit.message })),
    gitAccess: async () => {
      const url = (await repoInfo()).clone_url;
      const auth = (await octokit.auth?.({ type: "installation" })) as { token?: string } | undefined;
      if (!auth?.token) throw new WeaveError("not-authorized", "no installation token for git over HTTPS", { hint: "the App needs an installation Octokit (probot.auth(installationId))" });
      return { url, token: auth.token };
    },
    createPull: async ({ title, body, head, base }) => {
      try {
        return pullView(await call<PullData>("POST /repos/{owner}/{repo}/pulls", { title: text(title, 256), body: text(body), head, base, maintainer_can_modify: true, ...NO_RETRY }));
      } catch (e) {
        const refusal = httpStatus(e) === 422 ? createPullRefusal(validationText(e)) : undefined;
        if (refusal) return refusal;
        throw translate(e);
      }
    },
    findOpenPull: async (head, base) => {
      const list = await call<PullData[]>("GET /repos/{owner}/{repo}/pulls", { head: `${owner}:${head}`, base, state: "open", per_page: 1 }).catch((e) => {
        throw translate(e);
      });
      return list[0] ? pullView(list[0]) : undefined;
    },
    getPull: async (number) => {
      const p = await maybe(() => call<PullData>("GET /repos/{owner}/{repo}/pulls/{pull_number}", { pull_number: number }), 404);
      return p ? pullView(p) : undefined;
    },
    updatePull: async (number, params) => void (await maybe(() => call("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { pull_number: number, ...params, ...(params.body !== undefined ? { body: text(params.body) } : {}) }), 404)),
    mergePull: async (number, { sha, method, title, message }) => {
      try {
        const data = await call<{ sha: string }>("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", { pull_number: number, sha, merge_method: method, commit_title: redactSecrets(title, secrets), commit_message: redactSecrets(message, secrets), ...NO_RETRY });
        return { kind: "merged", sha: data.sha };
      } catch (e) {
        const status = httpStatus(e);
        // 403 too: the `workflows` permission refusal of a merge that edits .github/workflows/ comes as one.
        if (status === 409 || status === 405 || status === 422 || (status === 403 && !isRateLimited(e))) return { kind: "refused", error: mergeRefusal(status, errorMessage(e), number) };
        throw translate(e);
      }
    },
    updateBranch: async (number, expectedHead, target) => {
      try {
        await call("PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch", { pull_number: number, expected_head_sha: expectedHead, ...NO_RETRY });
        return { kind: "started" };
      } catch (e) {
        const status = httpStatus(e);
        if ((status === 422 || status === 403 || status === 405) && !isRateLimited(e)) return { kind: "refused", error: updateBranchRefusal(errorMessage(e), number, target) };
        throw translate(e);
      }
    },
    branchRules: async (branch) => (await maybe(() => call<BranchRule[]>("GET /repos/{owner}/{repo}/rules/branches/{branch}", { branch, per_page: 100 }), 404)) ?? [],
    graphql: async <T>(query: string, variables: Record<string, unknown>) => {
      if (!octokit.graphql) throw new WeaveError("internal", "this Octokit has no GraphQL client");
      calls.set("graphql", (calls.get("graphql") ?? 0) + 1);
      try {
        return (await octokit.graphql(query, variables)) as T;
      } catch (e) {
        throw translate(e);
      }
    },
  };
}

interface PullData {
  number: number;
  node_id: string;
  state: string;
  merged?: boolean;
  mergeable?: boolean | null;
  mergeable_state?: string;
  head: { sha: string };
  auto_merge?: unknown;
}

/** GitHub's own words for a refused request (its `message`, and any `errors[].message`). */
function errorMessage(e: unknown): string {
  const data = (e as { response?: { data?: { message?: string } } }).response?.data;
  return data?.message ?? (e instanceof Error ? e.message : String(e));
}

function validationText(e: unknown): string {
  const data = (e as { response?: { data?: { message?: string; errors?: { message?: string }[] } } }).response?.data;
  return [data?.message, ...(data?.errors ?? []).map((x) => x.message)].filter(Boolean).join("; ");
}

function translate(e: unknown): WeaveError {
  const status = httpStatus(e);
  const message = e instanceof Error ? e.message : String(e);
  const limited = rateLimitRefusal(status, headersOf(e), message, e);
  if (limited) return limited;
  if (status === 403 || status === 401) return new WeaveError("not-authorized", `GitHub refused: ${message}`, { cause: e, hint: "check the App's permissions in app.yml and its installation" });
  return new WeaveError("internal", `GitHub request failed${status ? ` (${status})` : ""}: ${message}`, { cause: e });
}

/** GitHub's rate-limit answers: no requests left (`x-ratelimit-remaining: 0`) or a secondary limit (`retry-after`). */
function isRateLimited(e: unknown): boolean {
  return rateLimitRefusal(httpStatus(e), headersOf(e), "", e) !== undefined;
}

function headersOf(e: unknown): Record<string, unknown> {
  return (e as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
}
