/**
 * Git database routes: refs, commits, trees and blobs, straight onto the real bare repository.
 * Responsibilities: GitHub's answers for ref claims (422 "Reference already exists"), compare-and-swap updates
 * (422 "Update is not a fast forward" unless force), deletes, and object reads/writes; branch rules refuse direct
 * moves with 422 "Repository rule violations found".
 * Not here: push/PR side effects (repo-events.ts), branch/compare views (routes/contents.ts).
 * Invariants: every ref write is an atomic update-ref against the sha just read; a lost race answers like GitHub.
 */
import { ruleViolations } from "../branch-rules.js";
import { refuseWorkflowChange } from "../workflow-permission.js";
import { ZERO_SHA } from "../git-backend.js";
import type { RefChange } from "../repo-events.js";
import type { RouteContext, RouteTable } from "../route-types.js";
import { str } from "../route-types.js";
import { HttpError, notFound, validationFailed, noreplyEmail } from "../world.js";
import type { RepoRecord } from "../world.js";

const SHA = /^[0-9a-f]{40}$/;

export const gitRoutes: RouteTable = {
  "git/get-ref": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const ref = `refs/${str(ctx, "ref")}`;
    const sha = (await repo.git.listRefs(ref)).get(ref);
    if (sha === undefined || ctx.quirks.refHidden(repo, ref)) throw notFound();
    return { status: 200, body: ctx.shapes.gitRef(repo, ref, sha) };
  },

  "git/list-matching-refs": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const prefix = `refs/${str(ctx, "ref")}`;
    const refs = [...(await repo.git.listRefs()).entries()].filter(([name]) => name.startsWith(prefix));
    return { status: 200, body: refs.map(([name, sha]) => ctx.shapes.gitRef(repo, name, sha)) };
  },

  "git/create-ref": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const ref = str(ctx, "ref");
    const sha = str(ctx, "sha");
    if (!ref.startsWith("refs/") || ref.split("/").length < 3) throw validationFailed("Reference name must start with 'refs/' and have at least two slashes.");
    if (!(await isCommit(repo, sha))) throw validationFailed("Object does not exist");
    if ((await repo.git.listRefs(ref)).has(ref)) throw validationFailed("Reference already exists");
    refuseByRules(ctx, repo, { ref, before: ZERO_SHA, after: sha }, true, "create-a-reference");
    await refuseWorkflowChange(repo.git, ctx.caller.kind === "token" ? ctx.caller.token : undefined, ZERO_SHA, sha);
    if (!(await repo.git.casRef(ref, sha, ZERO_SHA))) throw validationFailed("Reference already exists");
    ctx.quirks.refCreated(repo, ref);
    await ctx.events.refsChanged(repo, [{ ref, before: ZERO_SHA, after: sha }], ctx.actor());
    return { status: 201, body: ctx.shapes.gitRef(repo, ref, sha), headers: { location: `${ctx.shapes.api}/repos/${repo.fullName}/git/${ref}` } };
  },

  "git/update-ref": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const ref = `refs/${str(ctx, "ref")}`;
    const sha = str(ctx, "sha");
    const force = ctx.body.force === true;
    const current = (await repo.git.listRefs(ref)).get(ref);
    if (current === undefined) throw validationFailed("Reference does not exist");
    if (!(await isCommit(repo, sha))) throw validationFailed("Object does not exist");
    const fastForward = await repo.git.isAncestor(current, sha);
    if (!force && !fastForward) throw validationFailed("Update is not a fast forward");
    refuseByRules(ctx, repo, { ref, before: current, after: sha }, fastForward, "update-a-reference");
    await refuseWorkflowChange(repo.git, ctx.caller.kind === "token" ? ctx.caller.token : undefined, current, sha);
    if (!(await repo.git.casRef(ref, sha, current))) throw validationFailed(force ? "Reference cannot be updated" : "Update is not a fast forward");
    if (current !== sha) await ctx.events.refsChanged(repo, [{ ref, before: current, after: sha }], ctx.actor(), force);
    return { status: 200, body: ctx.shapes.gitRef(repo, ref, sha) };
  },

  "git/delete-ref": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const ref = `refs/${str(ctx, "ref")}`;
    const current = (await repo.git.listRefs(ref)).get(ref);
    if (current === undefined) throw validationFailed("Reference does not exist");
    refuseByRules(ctx, repo, { ref, before: current, after: ZERO_SHA }, true, "delete-a-reference");
    if (!(await repo.git.deleteRef(ref, current))) throw validationFailed("Reference does not exist");
    await ctx.events.refsChanged(repo, [{ ref, before: current, after: ZERO_SHA }], ctx.actor());
    return { status: 204 };
  },

  "git/get-commit": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const sha = str(ctx, "commit_sha");
    if (!SHA.test(sha) || !(await isCommit(repo, sha))) throw notFound();
    return { status: 200, body: await ctx.shapes.gitCommit(repo, sha) };
  },

  "git/create-commit": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const tree = str(ctx, "tree");
    const parents = (ctx.body.parents as string[] | undefined) ?? [];
    if ((await repo.git.objectType(tree)) !== "tree") throw validationFailed("Tree SHA does not exist");
    for (const parent of parents) if (!(await isCommit(repo, parent))) throw validationFailed("Parent SHA does not exist or is not a commit object");
    const actor = ctx.actor();
    const person = (value: unknown): { name: string; email: string; date?: Date } => {
      const p = value as { name?: string; email?: string; date?: string } | undefined;
      return { name: p?.name ?? actor.login, email: p?.email ?? noreplyEmail(actor), date: p?.date === undefined ? ctx.world.now() : new Date(p.date) };
    };
    const author = person(ctx.body.author);
    const sha = await repo.git.commitTree(tree, parents, str(ctx, "message"), author, ctx.body.committer === undefined ? author : person(ctx.body.committer));
    return { status: 201, body: await ctx.shapes.gitCommit(repo, sha), headers: { location: `${ctx.shapes.api}/repos/${repo.fullName}/git/commits/${sha}` } };
  },

  "git/get-tree": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const treeSha = (await repo.git.run(["rev-parse", "--verify", "--quiet", `${str(ctx, "tree_sha")}^{tree}`])).stdout.trim();
    if (treeSha === "") throw notFound();
    return { status: 200, body: await treeBody(ctx, repo, treeSha, ctx.params.recursive !== undefined) };
  },

  "git/create-tree": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const base = ctx.body.base_tree as string | undefined;
    if (base !== undefined && (await repo.git.objectType(base)) !== "tree") throw validationFailed("base_tree is not a valid tree oid");
    const entries = (ctx.body.tree as { path: string; mode: string; sha?: string | null; content?: string }[]).map((e) => {
      if (e.sha !== undefined && e.content !== undefined) throw validationFailed("Must supply either tree.sha or tree.content, not both");
      return { path: e.path, mode: e.mode, ...(e.sha !== undefined ? { sha: e.sha } : {}), ...(e.content !== undefined ? { content: e.content } : {}) };
    });
    for (const e of entries) if (typeof e.sha === "string" && (await repo.git.objectType(e.sha)) === undefined) throw validationFailed(`tree.sha ${e.sha} is not a valid blob`);
    const sha = await repo.git.writeTree(entries, base);
    return { status: 201, body: await treeBody(ctx, repo, sha, false) };
  },

  "git/create-blob": async (ctx) => {
    const repo = ctx.repo("contents", "write");
    const encoding = (ctx.body.encoding as string | undefined) ?? "utf-8";
    if (encoding !== "utf-8" && encoding !== "base64") throw validationFailed(`encoding must be utf-8 or base64`);
    const sha = await repo.git.writeBlob(Buffer.from(str(ctx, "content"), encoding === "base64" ? "base64" : "utf8"));
    return { status: 201, body: { url: `${ctx.shapes.api}/repos/${repo.fullName}/git/blobs/${sha}`, sha } };
  },

  "git/get-blob": async (ctx) => {
    const repo = ctx.repo("contents", "read");
    const sha = str(ctx, "file_sha");
    if (!SHA.test(sha) || (await repo.git.objectType(sha)) !== "blob") throw notFound();
    const content = await repo.git.readBlob(sha);
    return { status: 200, body: { sha, node_id: Buffer.from(`B_${sha}`).toString("base64"), size: content.length, url: `${ctx.shapes.api}/repos/${repo.fullName}/git/blobs/${sha}`, content: content.toString("base64"), encoding: "base64" } };
  },
};

/** GitHub's 422 when the branch's rules refuse this direct move of a ref. */
function refuseByRules(ctx: RouteContext, repo: RepoRecord, change: RefChange, fastForward: boolean, anchor: string): void {
  const reasons = ctx.rules.refMoveReasons(repo, change, fastForward);
  if (reasons.length > 0) throw ruleViolations(422, reasons, `https://docs.github.com/rest/git/refs#${anchor}`);
}

export async function isCommit(repo: RepoRecord, sha: string): Promise<boolean> {
  return SHA.test(sha) && (await repo.git.objectType(sha)) === "commit";
}

async function treeBody(ctx: RouteContext, repo: RepoRecord, sha: string, recursive: boolean): Promise<Record<string, unknown>> {
  const entries = await repo.git.lsTree(sha, { recursive });
  if (entries.length === 0 && (await repo.git.objectType(sha)) !== "tree") throw new HttpError(404, "Not Found");
  return {
    sha, url: `${ctx.shapes.api}/repos/${repo.fullName}/git/trees/${sha}`, truncated: false,
    tree: entries.map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha, ...(e.size === undefined ? {} : { size: e.size }), url: `${ctx.shapes.api}/repos/${repo.fullName}/git/${e.type}s/${e.sha}` })),
  };
}
