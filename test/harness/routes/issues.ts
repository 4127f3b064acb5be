/**
 * Issue comment routes (on issues and pull requests alike) and reactions on those comments.
 * Responsibilities: create/update/get/list comments with `issue_comment` events, reactions that answer 200 for a
 * repeat and 201 for a new one. Not here: pull request objects (routes/pulls.ts).
 * Invariants: a comment belongs to an existing issue or pull number; App comments carry performed_via_github_app.
 */
import type { RouteContext, RouteTable } from "../route-types.js";
import { num, page, str } from "../route-types.js";
import { HttpError, notFound, validationFailed } from "../world.js";
import type { CommentRecord, RepoRecord } from "../world.js";

/** Anyone may comment and react on a public repository; Apps need issues (or, on pulls, pull_requests) write. */
function writableRepo(ctx: RouteContext, number?: number): RepoRecord {
  if (ctx.caller.kind === "token" && ctx.caller.token.kind === "user") return ctx.repo("issues", "read");
  try {
    return ctx.repo("issues", "write");
  } catch (error) {
    const repo = ctx.world.repo(String(ctx.params.owner), String(ctx.params.repo));
    const isPull = number !== undefined ? repo.pulls.has(number) : true;
    if (!(error instanceof HttpError) || error.status !== 403 || !isPull) throw error;
    return ctx.repo("pull_requests", "write");
  }
}

function commentOf(repo: RepoRecord, ctx: RouteContext): CommentRecord {
  const comment = repo.comments.get(num(ctx, "comment_id"));
  if (comment === undefined) throw notFound();
  return comment;
}

async function issueObject(ctx: RouteContext, repo: RepoRecord, number: number): Promise<Record<string, unknown>> {
  const pull = repo.pulls.get(number);
  const issue = repo.issues.get(number);
  const example = ctx.payloads.example("issue_comment", "created").issue as Record<string, unknown>;
  const url = `${ctx.shapes.api}/repos/${repo.fullName}/issues/${number}`;
  const user = pull?.user ?? issue?.user ?? repo.owner;
  return {
    ...example, url, repository_url: `${ctx.shapes.api}/repos/${repo.fullName}`, labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`, events_url: `${url}/events`,
    html_url: `${ctx.shapes.server}/${repo.fullName}/${pull === undefined ? "issues" : "pull"}/${number}`, id: pull?.id ?? number, number, title: pull?.title ?? issue?.title ?? "",
    user: ctx.shapes.user(user), labels: [], state: pull?.state ?? issue?.state ?? "open", assignee: null, assignees: [], milestone: null, locked: false,
    comments: [...repo.comments.values()].filter((c) => c.issueNumber === number).length, body: pull?.body ?? null, author_association: "OWNER",
    ...(pull === undefined ? { pull_request: undefined } : { pull_request: { url: `${ctx.shapes.api}/repos/${repo.fullName}/pulls/${number}`, html_url: `${ctx.shapes.server}/${repo.fullName}/pull/${number}`, diff_url: `${ctx.shapes.server}/${repo.fullName}/pull/${number}.diff`, patch_url: `${ctx.shapes.server}/${repo.fullName}/pull/${number}.patch` } }),
    active_lock_reason: null, reactions: { url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 },
  };
}

async function emitComment(ctx: RouteContext, repo: RepoRecord, comment: CommentRecord, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  const shaped = ctx.shapes.comment(repo, comment);
  const payload = ctx.payloads.base("issue_comment", action, repo, ctx.actor(), { issue: await issueObject(ctx, repo, comment.issueNumber), comment: { performed_via_github_app: null, ...shaped }, ...extra });
  if (payload.issue !== undefined && (payload.issue as Record<string, unknown>).pull_request === undefined) delete (payload.issue as Record<string, unknown>).pull_request;
  ctx.webhooks.emit("issue_comment", action, () => payload, { repo });
}

/**
 * GitHub refuses a comment body over 65,536 characters, on create and on edit, with this 422 (as GitHub answers
 * today: code "unprocessable", field "data"; reported e.g. in reg-viz/reg-actions#123, vebr/jest-lcov-reporter#14).
 */
function refuseLongBody(body: string): void {
  if (body.length > 65536) throw validationFailed("Validation Failed", [{ resource: "IssueComment", code: "unprocessable", field: "data", message: "Body is too long (maximum is 65536 characters)" }]);
}

export const issueRoutes: RouteTable = {
  "issues/create-comment": async (ctx) => {
    const number = num(ctx, "issue_number");
    const repo = writableRepo(ctx, number);
    if (!repo.pulls.has(number) && !repo.issues.has(number)) throw notFound();
    const now = ctx.world.now();
    const comment: CommentRecord = { id: ctx.world.id(), issueNumber: number, body: str(ctx, "body"), user: ctx.actor(), app: ctx.caller.kind === "token" && ctx.caller.token.kind === "installation" ? ctx.app() : undefined, createdAt: now, updatedAt: now, reactions: [] };
    refuseLongBody(comment.body);
    repo.comments.set(comment.id, comment);
    await emitComment(ctx, repo, comment, "created");
    return { status: 201, body: ctx.shapes.comment(repo, comment), headers: { location: `${ctx.shapes.api}/repos/${repo.fullName}/issues/comments/${comment.id}` } };
  },

  "issues/update-comment": async (ctx) => {
    const repo = writableRepo(ctx);
    const comment = commentOf(repo, ctx);
    const from = comment.body;
    const body = str(ctx, "body");
    refuseLongBody(body);
    comment.body = body;
    comment.updatedAt = ctx.world.now();
    await emitComment(ctx, repo, comment, "edited", { changes: { body: { from } } });
    return { status: 200, body: ctx.shapes.comment(repo, comment) };
  },

  "issues/get-comment": (ctx) => {
    const repo = ctx.repo("issues", "read");
    return { status: 200, body: ctx.shapes.comment(repo, commentOf(repo, ctx)) };
  },

  "issues/list-comments": (ctx) => {
    const repo = ctx.repo("issues", "read");
    const number = num(ctx, "issue_number");
    if (!repo.pulls.has(number) && !repo.issues.has(number)) throw notFound();
    const since = typeof ctx.params.since === "string" ? new Date(ctx.params.since).getTime() : 0;
    const comments = [...repo.comments.values()].filter((c) => c.issueNumber === number && c.updatedAt.getTime() >= since);
    return { status: 200, body: page(ctx, comments).map((c) => ctx.shapes.comment(repo, c)) };
  },

  /**
   * Every issue's and pull's comments. GitHub: ascending by id unless `sort` is given; `direction` is ignored without
   * `sort`, and with `sort` but no `direction` the order is newest first (stricter than the docs, which name no
   * default: a caller that needs oldest first must say `direction=asc`); `since` keeps comments *updated* at or after.
   */
  "issues/list-comments-for-repo": (ctx) => {
    const repo = ctx.repo("issues", "read");
    const since = typeof ctx.params.since === "string" ? new Date(ctx.params.since).getTime() : 0;
    const sort = ctx.params.sort as "created" | "updated" | undefined;
    const key = (c: CommentRecord): number => (sort === "updated" ? c.updatedAt.getTime() : sort === "created" ? c.createdAt.getTime() : c.id);
    const comments = [...repo.comments.values()].filter((c) => c.updatedAt.getTime() >= since).sort((a, b) => key(a) - key(b) || a.id - b.id);
    if (sort !== undefined && ctx.params.direction !== "asc") comments.reverse();
    return { status: 200, body: page(ctx, comments).map((c) => ctx.shapes.comment(repo, c)) };
  },

  "reactions/create-for-issue-comment": (ctx) => {
    const repo = writableRepo(ctx);
    const comment = commentOf(repo, ctx);
    const actor = ctx.actor();
    const content = str(ctx, "content");
    const existing = comment.reactions.find((r) => r.user.id === actor.id && r.content === content);
    if (existing !== undefined) return { status: 200, body: ctx.shapes.reaction(existing) };
    const reaction = { id: ctx.world.id(), content, user: actor, createdAt: ctx.world.now() };
    comment.reactions.push(reaction);
    return { status: 201, body: ctx.shapes.reaction(reaction) };
  },

  "reactions/list-for-issue-comment": (ctx) => {
    const repo = ctx.repo("issues", "read");
    const comment = commentOf(repo, ctx);
    const content = ctx.params.content as string | undefined;
    return { status: 200, body: page(ctx, comment.reactions.filter((r) => content === undefined || r.content === content)).map((r) => ctx.shapes.reaction(r)) };
  },
};
