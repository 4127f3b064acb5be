/**
 * GraphQL resolvers: the root fields the stand-in serves — `repository(owner, name) { pullRequest(number) }`,
 * `node(id)`, `enablePullRequestAutoMerge`, `enqueuePullRequest` — and view objects for Repository, PullRequest,
 * AutoMergeRequest, MergeQueueEntry, Commit and actors, with GitHub's permission checks and NOT_FOUND/FORBIDDEN words.
 * Not here: the endpoint and schema validation (graphql.ts), what the mutations do (merge-automation.ts).
 * Invariant: a view holds only modelled fields; anything else a query asks for is reported by graphql.ts.
 */
import { callerUser, requireAccess } from "./auth.js";
import type { Caller } from "./auth.js";
import { mergeState } from "./merge-requirements.js";
import type { Services } from "./route-types.js";
import { nodeId } from "./shapes.js";
import { HttpError, iso } from "./world.js";
import type { PullRecord, QueueEntryRecord, RepoRecord, UserRecord } from "./world.js";

export interface GraphqlContext { services: Services; caller: Caller; unmodelled(what: string): void }
type View = Record<string, unknown>;
type Args = Record<string, unknown>;

const notFound = (message: string): HttpError => new HttpError(404, message);

/** Throws GitHub's GraphQL refusal unless the caller may use `permission` at `level` (FORBIDDEN names the mutation for people). */
function authorize(ctx: GraphqlContext, repo: RepoRecord, permission: string, level: "read" | "write", operation: string, hidden: string): void {
  try {
    requireAccess(ctx.services.world, ctx.caller, repo, permission, level);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.status === 404) throw notFound(hidden);
    const user = ctx.caller.kind === "token" && ctx.caller.token.kind === "user" ? ctx.caller.token.user : undefined;
    throw new HttpError(403, user === undefined ? "Resource not accessible by integration" : `${user.login} does not have the correct permissions to execute \`${operation}\``);
  }
}

function actor(ctx: GraphqlContext): UserRecord {
  const user = callerUser(ctx.services.world, ctx.caller);
  if (user === undefined) throw new HttpError(403, "Resource not accessible by integration");
  return user;
}

/** The pull request behind a PullRequest node id (base64 of "PR_<id>", as shapes.ts mints them). */
function pullByNodeId(ctx: GraphqlContext, id: string): { repo: RepoRecord; pull: PullRecord } {
  const decoded = Buffer.from(id, "base64").toString("utf8");
  const match = /^PR_(\d+)$/.exec(decoded);
  for (const repo of match === null ? [] : ctx.services.world.repos.values()) {
    for (const pull of repo.pulls.values()) if (pull.id === Number(match?.[1])) return { repo, pull };
  }
  throw notFound(`Could not resolve to a node with the global id of '${id}'`);
}

function actorView(ctx: GraphqlContext, user: UserRecord): View {
  const url = `${ctx.services.shapes.server}/${user.login}`;
  return { __typename: user.type === "Bot" ? "Bot" : user.type === "Organization" ? "Organization" : "User", login: user.login, url, resourcePath: `/${user.login}`, avatarUrl: `https://avatars.githubusercontent.com/u/${user.id}?v=4`, id: nodeId("U", user.id) };
}

function commitView(sha: string): View {
  return { __typename: "Commit", id: nodeId("C", sha), oid: sha, abbreviatedOid: sha.slice(0, 7) };
}

function repoView(ctx: GraphqlContext, repo: RepoRecord): View {
  return {
    __typename: "Repository", id: nodeId("R", repo.id), name: repo.name, nameWithOwner: repo.fullName, owner: actorView(ctx, repo.owner),
    url: `${ctx.services.shapes.server}/${repo.fullName}`, autoMergeAllowed: repo.allowAutoMerge, isPrivate: repo.private,
    pullRequest: ({ number }: Args) => {
      authorize(ctx, repo, "pull_requests", "read", "PullRequest", `Could not resolve to a PullRequest with the number of ${String(number)}.`);
      const pull = repo.pulls.get(Number(number));
      if (pull === undefined) throw notFound(`Could not resolve to a PullRequest with the number of ${String(number)}.`);
      return pullView(ctx, repo, pull);
    },
  };
}

function pullView(ctx: GraphqlContext, repo: RepoRecord, pull: PullRecord): View {
  const { world, rules, events } = ctx.services;
  return {
    __typename: "PullRequest", id: nodeId("PR", pull.id), number: pull.number, title: pull.title, body: pull.body ?? "",
    url: `${ctx.services.shapes.server}/${repo.fullName}/pull/${pull.number}`, state: pull.merged ? "MERGED" : pull.state === "open" ? "OPEN" : "CLOSED",
    merged: pull.merged, closed: pull.state === "closed", isDraft: pull.draft, headRefName: pull.head, baseRefName: pull.base, headRefOid: pull.headSha,
    createdAt: iso(pull.createdAt), mergedAt: iso(pull.mergedAt), author: actorView(ctx, pull.user), repository: () => repoView(ctx, repo),
    mergeCommit: pull.mergeCommitSha === null ? null : commitView(pull.mergeCommitSha),
    mergeable: async () => {
      if (pull.state === "open") await events.computeNow(repo, pull);
      return pull.mergeable === null ? "UNKNOWN" : pull.mergeable ? "MERGEABLE" : "CONFLICTING";
    },
    mergeStateStatus: async () => {
      if (pull.state === "open") await events.computeNow(repo, pull);
      return mergeState(world, rules, repo, pull).toUpperCase();
    },
    autoMergeRequest: () => {
      const auto = pull.autoMerge;
      if (auto == null) return null;
      return {
        __typename: "AutoMergeRequest", enabledAt: iso(auto.enabledAt), enabledBy: actorView(ctx, auto.enabledBy), mergeMethod: auto.method.toUpperCase(),
        commitHeadline: auto.commitHeadline, commitBody: auto.commitBody, authorEmail: null, pullRequest: () => pullView(ctx, repo, pull),
      };
    },
    isInMergeQueue: pull.queueEntry != null,
    mergeQueueEntry: () => (pull.queueEntry == null ? null : entryView(ctx, repo, pull, pull.queueEntry)),
  };
}

function entryView(ctx: GraphqlContext, repo: RepoRecord, pull: PullRecord, entry: QueueEntryRecord): View {
  const position = ctx.services.automation.queue.entries(repo, pull.base).findIndex((p) => p.id === pull.id) + 1;
  return {
    __typename: "MergeQueueEntry", id: nodeId("MQE", entry.id), position, state: entry.group === null ? "QUEUED" : "AWAITING_CHECKS",
    enqueuedAt: iso(entry.enqueuedAt), enqueuer: actorView(ctx, entry.enqueuedBy), jump: entry.jump, solo: false,
    headCommit: entry.group === null ? null : commitView(entry.group.sha), baseCommit: entry.group === null ? null : commitView(entry.group.baseSha),
    pullRequest: () => pullView(ctx, repo, pull),
  };
}

/** Resolves the input's pull request and checks the caller may merge it (pull_requests and contents write). */
function mergeTarget(ctx: GraphqlContext, input: Args, operation: string): { repo: RepoRecord; pull: PullRecord } {
  const id = String(input.pullRequestId);
  const target = pullByNodeId(ctx, id);
  authorize(ctx, target.repo, "pull_requests", "write", operation, `Could not resolve to a node with the global id of '${id}'`);
  authorize(ctx, target.repo, "contents", "write", operation, `Could not resolve to a node with the global id of '${id}'`);
  return target;
}

const optional = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function rootValue(): View {
  return {
    repository: ({ owner, name }: Args, ctx: GraphqlContext) => {
      const hidden = `Could not resolve to a Repository with the name '${String(owner)}/${String(name)}'.`;
      let repo: RepoRecord;
      try { repo = ctx.services.world.repo(String(owner), String(name)); } catch { throw notFound(hidden); }
      authorize(ctx, repo, "metadata", "read", "Repository", hidden);
      return repoView(ctx, repo);
    },
    node: ({ id }: Args, ctx: GraphqlContext) => {
      const { repo, pull } = pullByNodeId(ctx, String(id));
      authorize(ctx, repo, "pull_requests", "read", "PullRequest", `Could not resolve to a node with the global id of '${String(id)}'`);
      return pullView(ctx, repo, pull);
    },
    enablePullRequestAutoMerge: async ({ input }: { input: Args }, ctx: GraphqlContext) => {
      const { repo, pull } = mergeTarget(ctx, input, "EnablePullRequestAutoMerge");
      const who = actor(ctx);
      const method = String(input.mergeMethod ?? "MERGE").toLowerCase() as "merge" | "squash" | "rebase";
      const permissions = ctx.caller.kind === "token" && ctx.caller.token.kind !== "user" ? ctx.caller.token.permissions : undefined;
      await ctx.services.automation.enableAutoMerge(repo, pull, who, { method, permissions, headline: optional(input.commitHeadline), body: optional(input.commitBody), expectedHeadOid: optional(input.expectedHeadOid) });
      return { clientMutationId: input.clientMutationId ?? null, actor: actorView(ctx, who), pullRequest: pullView(ctx, repo, pull) };
    },
    enqueuePullRequest: async ({ input }: { input: Args }, ctx: GraphqlContext) => {
      const { repo, pull } = mergeTarget(ctx, input, "EnqueuePullRequest");
      const entry = await ctx.services.automation.enqueue(repo, pull, actor(ctx), { expectedHeadOid: optional(input.expectedHeadOid), jump: input.jump === true });
      return { clientMutationId: input.clientMutationId ?? null, mergeQueueEntry: entryView(ctx, repo, pull, entry) };
    },
  };
}
