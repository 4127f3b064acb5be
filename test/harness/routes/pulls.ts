/**
 * Pull request routes: create, get, list, update, merge (with `sha`), update-branch, reviews.
 * Responsibilities: GitHub's rules — one open PR per head/base, "No commits between", `mergeable` null until
 * computed, merge 409 when the head moved, 405 when not mergeable or the base's rules refuse (reviews, required
 * checks, merge queue, merge method); `mergeable_state` from those rules; `pull_request(_review)` events.
 * Not here: the merge commit (pull-merge.ts), following head pushes (repo-events.ts). Not modelled: rebase merges (501).
 */
import { ruleViolations } from "../branch-rules.js";
import { blocking, mergeState, methodRefusal, requirements } from "../merge-requirements.js";
import { checkUpdate, updateBranch } from "../branch-update.js";
import { mergePull } from "../pull-merge.js";
import { WORKFLOWS_DIR, mayWriteWorkflows, workflowRefusal } from "../workflow-permission.js";
import type { RouteContext, RouteTable, Services } from "../route-types.js";
import { num, page, str } from "../route-types.js";
import { authorAssociation } from "../shapes.js";
import { HttpError, iso, notFound, validationFailed } from "../world.js";
import type { PullRecord, RepoRecord, ReviewRecord } from "../world.js";

const notMergeable = (): HttpError => new HttpError(405, "Pull Request is not mergeable");

function pullOf(repo: RepoRecord, ctx: RouteContext): PullRecord {
  const pull = repo.pulls.get(num(ctx, "pull_number"));
  if (pull === undefined) throw notFound();
  return pull;
}

export const pullRoutes: RouteTable = {
  "pulls/create": async (ctx) => {
    const repo = ctx.repo("pull_requests", "write");
    const head = str(ctx, "head").replace(/^[^:]+:/, "");
    const base = str(ctx, "base");
    const baseSha = await repo.git.readRef(`refs/heads/${base}`);
    const headSha = await repo.git.readRef(`refs/heads/${head}`);
    const invalid = (field: string): HttpError => validationFailed("Validation Failed", [{ resource: "PullRequest", field, code: "invalid" }]);
    if (baseSha === undefined) throw invalid("base");
    if (headSha === undefined) throw invalid("head");
    if ([...repo.pulls.values()].some((p) => p.state === "open" && p.head === head && p.base === base)) {
      throw validationFailed("Validation Failed", [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner.login}:${head}.` }]);
    }
    if ((await repo.git.commitsBetween(baseSha, headSha)).length === 0) {
      throw validationFailed("Validation Failed", [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
    }
    const now = ctx.world.now();
    const pull: PullRecord = {
      id: ctx.world.id(), number: repo.nextNumber++, title: str(ctx, "title"), body: (ctx.body.body as string | undefined) ?? null, user: ctx.actor(), head, base, headSha,
      state: "open", draft: ctx.body.draft === true, merged: false, mergedAt: null, mergedBy: null, mergeCommitSha: null, mergeable: null, mergeableState: "unknown",
      mergeableFor: "", createdAt: now, updatedAt: now, closedAt: null, reviews: [], maintainerCanModify: ctx.body.maintainer_can_modify !== false,
    };
    repo.pulls.set(pull.number, pull);
    await ctx.events.emitPull(repo, pull, "opened", pull.user);
    return { status: 201, body: await ctx.shapes.pull(repo, pull), headers: { location: `${ctx.shapes.api}/repos/${repo.fullName}/pulls/${pull.number}` } };
  },

  "pulls/get": async (ctx) => {
    const repo = ctx.repo("pull_requests", "read");
    const pull = pullOf(repo, ctx);
    const shown = await ctx.events.observeMergeable(repo, pull);
    const body = await ctx.shapes.pull(repo, pull);
    const state = shown.mergeable === null ? shown.state : mergeState(ctx.world, ctx.rules, repo, pull);
    return { status: 200, body: { ...body, mergeable: shown.mergeable, rebaseable: shown.mergeable, mergeable_state: state } };
  },

  "pulls/list": async (ctx) => {
    const repo = ctx.repo("pull_requests", "read");
    const state = (ctx.params.state as string | undefined) ?? "open";
    const head = ctx.params.head as string | undefined;
    const base = ctx.params.base as string | undefined;
    const pulls = [...repo.pulls.values()].filter((p) => (state === "all" || p.state === state)
      && (head === undefined || `${repo.owner.login}:${p.head}`.toLowerCase() === head.toLowerCase()) && (base === undefined || p.base === base));
    pulls.sort((a, b) => (ctx.params.direction === "asc" ? a.number - b.number : b.number - a.number));
    return { status: 200, body: await Promise.all(page(ctx, pulls).map((p) => ctx.shapes.pull(repo, p))) };
  },

  "pulls/update": async (ctx) => {
    const repo = ctx.repo("pull_requests", "write");
    const pull = pullOf(repo, ctx);
    // `edited` says what changed and what it was before, as GitHub's payload does.
    const changes: Record<string, unknown> = {};
    if (typeof ctx.body.title === "string" && ctx.body.title !== pull.title) changes.title = { from: pull.title };
    if (typeof ctx.body.body === "string" && ctx.body.body !== pull.body) changes.body = { from: pull.body ?? "" };
    if (typeof ctx.body.base === "string" && ctx.body.base !== pull.base) changes.base = { ref: { from: pull.base }, sha: { from: (await repo.git.readRef(`refs/heads/${pull.base}`)) ?? "" } };
    if (typeof ctx.body.title === "string") pull.title = ctx.body.title;
    if (typeof ctx.body.body === "string") pull.body = ctx.body.body;
    if (typeof ctx.body.base === "string") {
      if ((await repo.git.readRef(`refs/heads/${ctx.body.base}`)) === undefined) throw validationFailed("Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
      pull.base = ctx.body.base;
      pull.mergeable = null;
      pull.mergeableFor = "";
    }
    pull.updatedAt = ctx.world.now();
    let action = "edited";
    if (ctx.body.state === "closed" && pull.state === "open") { pull.state = "closed"; pull.closedAt = pull.updatedAt; action = "closed"; }
    if (ctx.body.state === "open" && pull.state === "closed" && !pull.merged) { pull.state = "open"; pull.closedAt = null; action = "reopened"; }
    await ctx.events.emitPull(repo, pull, action, ctx.actor(), action === "edited" ? { changes } : {});
    return { status: 200, body: await ctx.shapes.pull(repo, pull) };
  },

  "pulls/merge": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const pull = pullOf(repo, ctx);
    if (pull.merged || pull.state !== "open") throw notMergeable();
    if (pull.draft) throw new HttpError(405, "Pull Request is still a draft");
    const expected = ctx.body.sha as string | undefined;
    if (expected !== undefined && expected !== pull.headSha) throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
    const method = (ctx.body.merge_method as string | undefined) ?? "merge";
    if (method !== "merge" && method !== "squash") throw new HttpError(501, "merge_method rebase is not modelled by the stand-in");
    await ctx.events.computeNow(repo, pull);
    if (pull.mergeable !== true) throw notMergeable();
    const refusal = methodRefusal(ctx.rules, repo, pull, method);
    if (refusal !== undefined) throw new HttpError(405, refusal);
    const needs = requirements(ctx.world, ctx.rules, repo, pull);
    const reasons = [...(needs.queue ? ["Changes must be made through the merge queue"] : []), ...blocking(needs)];
    const fromRulesets = reasons.filter((r) => !needs.classic.has(r));
    const docs = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request";
    if (fromRulesets.length > 0) throw ruleViolations(405, reasons, docs);
    if (reasons[0] !== undefined) throw new HttpError(405, reasons[0], { documentation_url: docs }); // classic protection: its first reason, no preamble
    const token = ctx.caller.kind === "token" ? ctx.caller.token : undefined;
    const sha = await mergePull(ctx, repo, pull, { method, actor: ctx.actor(), when: ctx.world.now(), title: ctx.body.commit_title as string | undefined, message: ctx.body.commit_message as string | undefined, token });
    return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
  },

  "pulls/update-branch": async (ctx) => {
    const repo = ctx.repo("pull_requests", "write");
    ctx.repo("contents", "write");
    const pull = pullOf(repo, ctx);
    const headSha = pull.headSha;
    const base = await checkUpdate(repo, pull, ctx.body.expected_head_sha as string | undefined);
    const merged = await repo.git.mergeTree(headSha, base);
    const token = ctx.caller.kind === "token" ? ctx.caller.token : undefined;
    const [workflow] = mayWriteWorkflows(token) ? [] : (await repo.git.diffFiles(headSha, merged.tree)).map((f) => f.path).filter((p) => p.startsWith(WORKFLOWS_DIR));
    if (workflow !== undefined) throw new HttpError(403, workflowRefusal(workflow));
    const actor = ctx.actor();
    ctx.automation.later(async () => { await updateBranch(ctx, repo, pull, headSha, base, actor); });
    return { status: 202, body: { message: "Updating pull request branch.", url: `${ctx.shapes.server}/repos/${repo.fullName}/pulls/${pull.number}` } };
  },

  "pulls/create-review": async (ctx) => {
    // "Anyone with read access can review" (GitHub's docs: a read-only person's approval is shown, and counts for
    // nothing); an App's or GITHUB_TOKEN's review needs `pull_requests: write`.
    const byPerson = ctx.caller.kind === "token" && ctx.caller.token.kind === "user";
    const repo = ctx.repo("pull_requests", byPerson ? "read" : "write");
    const pull = pullOf(repo, ctx);
    const event = ctx.body.event as string | undefined;
    const body = (ctx.body.body as string | undefined) ?? "";
    const actor = ctx.actor();
    if ((event === "REQUEST_CHANGES" || event === "COMMENT") && body === "") throw validationFailed(`Unprocessable Entity: body is required for ${event}`);
    if ((event === "APPROVE" || event === "REQUEST_CHANGES") && actor.id === pull.user.id) throw validationFailed(`Can not ${event === "APPROVE" ? "approve" : "request changes on"} your own pull request`);
    const states: Record<string, string> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };
    const review: ReviewRecord = { id: ctx.world.id(), user: actor, body, state: states[event ?? ""] ?? "PENDING", commitId: (ctx.body.commit_id as string | undefined) ?? pull.headSha, submittedAt: ctx.world.now() };
    pull.reviews.push(review);
    if (review.state !== "PENDING") {
      const payload = ctx.payloads.base("pull_request_review", "submitted", repo, actor, {
        review: { ...reviewShape(ctx, repo, pull, review), state: review.state.toLowerCase() }, pull_request: await ctx.shapes.pull(repo, pull),
      });
      ctx.webhooks.emit("pull_request_review", "submitted", () => payload, { repo });
      ctx.automation.reviewSubmitted(repo, pull);
    }
    return { status: 200, body: reviewShape(ctx, repo, pull, review) };
  },

  "pulls/list-reviews": (ctx) => {
    const repo = ctx.repo("pull_requests", "read");
    const pull = pullOf(repo, ctx);
    return { status: 200, body: page(ctx, pull.reviews.filter((r) => r.state !== "PENDING" || r.user.id === ctx.actor().id).map((r) => reviewShape(ctx, repo, pull, r))) };
  },
};

/** A review as REST (and the review webhooks) show it. */
export function reviewShape(ctx: Services, repo: RepoRecord, pull: PullRecord, review: ReviewRecord): Record<string, unknown> {
  const html = `${ctx.shapes.server}/${repo.fullName}/pull/${pull.number}#pullrequestreview-${review.id}`;
  const pullUrl = `${ctx.shapes.api}/repos/${repo.fullName}/pulls/${pull.number}`;
  return {
    id: review.id, node_id: Buffer.from(`PRR_${review.id}`).toString("base64"), user: ctx.shapes.user(review.user), body: review.body, state: review.state,
    html_url: html, pull_request_url: pullUrl, _links: { html: { href: html }, pull_request: { href: pullUrl } },
    ...(review.state === "PENDING" ? {} : { submitted_at: iso(review.submittedAt) }), commit_id: review.commitId,
    author_association: authorAssociation(ctx.world.permissionOf(repo, review.user.login)),
  };
}
