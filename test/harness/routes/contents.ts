/**
 * Repository content routes: the repository itself, file contents at a ref, branches, commits (one or a list), compare and
 * `POST /merges` (a real `git merge-tree`, 409 "Merge conflict", 204 when nothing to merge, 409 when branch rules refuse).
 * Not here: low-level git objects and refs (routes/git.ts), pull request merges (routes/pulls.ts).
 * Invariants: every answer is read from git at request time; nothing is cached.
 */
import { ruleViolations } from "../branch-rules.js";
import type { RouteContext, RouteTable } from "../route-types.js";
import { page, str } from "../route-types.js";
import { HttpError, notFound, validationFailed, noreplyEmail } from "../world.js";
import type { RepoRecord } from "../world.js";

export const contentRoutes: RouteTable = {
  "repos/get": (ctx) => ({ status: 200, body: ctx.shapes.repository(ctx.repo("metadata", "read")) }),

  "repos/get-content": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const ref = (ctx.params.ref as string | undefined) ?? repo.defaultBranch;
    const sha = await repo.git.resolveCommit(ref);
    if (sha === undefined) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const path = str(ctx, "path").replace(/^\/+|\/+$/g, "");
    const [entry] = await repo.git.lsTree(sha, { path });
    if (entry === undefined) throw notFound();
    if (entry.type === "tree") {
      const children = await repo.git.lsTree(`${sha}:${path}`);
      return { status: 200, body: children.map((c) => contentEntry(ctx, repo, ref, path === "" ? c.path : `${path}/${c.path}`, c.sha, c.type === "tree" ? "dir" : "file", c.size ?? 0)) };
    }
    const content = await repo.git.readBlob(entry.sha);
    return { status: 200, body: { ...contentEntry(ctx, repo, ref, path, entry.sha, "file", content.length), content: chunked(content.toString("base64")), encoding: "base64" } };
  },

  "repos/get-branch": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const branch = str(ctx, "branch");
    const sha = await repo.git.readRef(`refs/heads/${branch}`);
    if (sha === undefined || ctx.quirks.refHidden(repo, `refs/heads/${branch}`)) throw new HttpError(404, "Branch not found");
    return { status: 200, body: ctx.shapes.example("branch-get", {
      name: branch, commit: await ctx.shapes.commit(repo, sha), protected: ctx.rules.forBranch(repo, branch).length > 0, protection_url: `${ctx.shapes.api}/repos/${repo.fullName}/branches/${branch}/protection`,
      protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
      _links: { html: `${ctx.shapes.server}/${repo.fullName}/tree/${branch}`, self: `${ctx.shapes.api}/repos/${repo.fullName}/branches/${branch}` },
    }) };
  },

  "repos/list-branches": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const refs = [...(await repo.git.listRefs("refs/heads/")).entries()];
    return { status: 200, body: page(ctx, refs.map(([ref, sha]) => ({ name: ref.slice("refs/heads/".length), commit: { sha, url: `${ctx.shapes.api}/repos/${repo.fullName}/commits/${sha}` }, protected: false }))) };
  },

  "repos/list-commits": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const ref = (ctx.params.sha as string | undefined) ?? repo.defaultBranch;
    const sha = await repo.git.resolveCommit(ref);
    if (sha === undefined) throw new HttpError(404, `No commit found for SHA: ${ref}`);
    const shas = (await repo.git.ok(["rev-list", sha])).split("\n").filter(Boolean);
    return { status: 200, body: await Promise.all(page(ctx, shas).map((s) => ctx.shapes.commit(repo, s))) };
  },

  "repos/get-commit": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const sha = await repo.git.resolveCommit(str(ctx, "ref"));
    if (sha === undefined) throw new HttpError(422, `No commit found for SHA: ${str(ctx, "ref")}`);
    return { status: 200, body: await ctx.shapes.commit(repo, sha, true) };
  },

  "repos/compare-commits-with-basehead": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const [baseName = "", headName = ""] = str(ctx, "basehead").split(/\.\.\.?/);
    const base = await repo.git.resolveCommit(baseName);
    const head = await repo.git.resolveCommit(headName);
    if (base === undefined || head === undefined) throw notFound();
    return { status: 200, body: await compare(ctx, repo, base, head, str(ctx, "basehead")) };
  },

  "repos/merge": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const baseName = str(ctx, "base");
    const base = await repo.git.readRef(`refs/heads/${baseName}`);
    if (base === undefined) throw new HttpError(404, "Base does not exist");
    const head = await repo.git.resolveCommit(str(ctx, "head"));
    if (head === undefined) throw new HttpError(404, "Head does not exist");
    if (await repo.git.isAncestor(head, base)) return { status: 204 };
    const merged = await repo.git.mergeTree(base, head);
    if (!merged.clean) throw new HttpError(409, "Merge conflict");
    const actor = ctx.actor();
    const identity = { name: actor.login, email: noreplyEmail(actor), date: ctx.world.now() };
    const message = (ctx.body.commit_message as string | undefined) ?? `Merge ${str(ctx, "head")} into ${baseName}`;
    const sha = await repo.git.commitTree(merged.tree, [base, head], message, identity);
    const reasons = ctx.rules.refMoveReasons(repo, { ref: `refs/heads/${baseName}`, before: base, after: sha }, true);
    if (reasons.length > 0) throw ruleViolations(409, reasons, "https://docs.github.com/rest/branches/branches#merge-a-branch");
    if (!(await repo.git.casRef(`refs/heads/${baseName}`, sha, base))) throw new HttpError(409, "Base branch was modified. Review and try the merge again.");
    await ctx.events.refsChanged(repo, [{ ref: `refs/heads/${baseName}`, before: base, after: sha }], actor);
    return { status: 201, body: await ctx.shapes.commit(repo, sha, true) };
  },
};

function contentEntry(ctx: RouteContext, repo: RepoRecord, ref: string, path: string, sha: string, type: string, size: number): Record<string, unknown> {
  const url = `${ctx.shapes.api}/repos/${repo.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${ctx.shapes.api}/repos/${repo.fullName}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
  const htmlUrl = `${ctx.shapes.server}/${repo.fullName}/${type === "dir" ? "tree" : "blob"}/${ref}/${path}`;
  return {
    type, size, name: path.split("/").pop() ?? path, path, sha, url, git_url: gitUrl, html_url: htmlUrl,
    download_url: type === "dir" ? null : `${ctx.shapes.server}/${repo.fullName}/raw/${ref}/${path}`, _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

function chunked(base64: string): string {
  return (base64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
}

async function compare(ctx: RouteContext, repo: RepoRecord, base: string, head: string, basehead: string): Promise<Record<string, unknown>> {
  const mergeBase = await repo.git.mergeBase(base, head);
  if (mergeBase === undefined) throw validationFailed(`No common ancestor between ${basehead}.`);
  const ahead = await repo.git.commitsBetween(base, head);
  const behind = await repo.git.commitsBetween(head, base);
  const status = ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  return {
    url: `${ctx.shapes.api}/repos/${repo.fullName}/compare/${basehead}`, html_url: `${ctx.shapes.server}/${repo.fullName}/compare/${basehead}`,
    permalink_url: `${ctx.shapes.server}/${repo.fullName}/compare/${base}...${head}`, diff_url: `${ctx.shapes.server}/${repo.fullName}/compare/${basehead}.diff`,
    patch_url: `${ctx.shapes.server}/${repo.fullName}/compare/${basehead}.patch`, base_commit: await ctx.shapes.commit(repo, base),
    merge_base_commit: await ctx.shapes.commit(repo, mergeBase), status, ahead_by: ahead.length, behind_by: behind.length, total_commits: ahead.length,
    commits: await Promise.all(ahead.slice(0, 250).map((sha) => ctx.shapes.commit(repo, sha))), files: await ctx.shapes.files(repo, mergeBase, head),
  };
}
