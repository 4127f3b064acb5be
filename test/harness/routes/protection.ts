/**
 * Classic branch protection routes: `GET`, `PUT` and `DELETE /repos/{o}/{r}/branches/{b}/protection`.
 * Responsibilities: GitHub's access rule (Apps need administration read/write; people need the admin role), 404
 * "Branch not found" / "Branch not protected", and the push hook that enforces protection on `git push`.
 * Not here: the rules a body implies and the answer's shape (branch-protection.ts).
 */
import { protectionRules, protectionShape } from "../branch-protection.js";
import { installPushHook } from "../push-rules.js";
import type { RouteContext, RouteTable } from "../route-types.js";
import { str } from "../route-types.js";
import { HttpError } from "../world.js";
import type { AccessLevel, RepoRecord } from "../world.js";

function adminRepo(ctx: RouteContext, level: AccessLevel): RepoRecord {
  const repo = ctx.repo("administration", level);
  const token = ctx.caller.kind === "token" ? ctx.caller.token : undefined;
  if (token?.kind === "user" && ctx.world.permissionOf(repo, token.user?.login ?? "") !== "admin") throw new HttpError(403, "Must have admin rights to Repository.");
  return repo;
}

async function existingBranch(repo: RepoRecord, ctx: RouteContext): Promise<string> {
  const branch = str(ctx, "branch");
  if ((await repo.git.readRef(`refs/heads/${branch}`)) === undefined) throw new HttpError(404, "Branch not found");
  return branch;
}

export const protectionRoutes: RouteTable = {
  "repos/get-branch-protection": async (ctx) => {
    const repo = adminRepo(ctx, "read");
    const branch = await existingBranch(repo, ctx);
    const record = ctx.rules.protection(repo, branch);
    if (record === undefined) throw new HttpError(404, "Branch not protected", { documentation_url: "https://docs.github.com/rest/branches/branch-protection#get-branch-protection" });
    return { status: 200, body: protectionShape(ctx.shapes.api, repo.fullName, branch, record) };
  },

  "repos/update-branch-protection": async (ctx) => {
    const repo = adminRepo(ctx, "write");
    const branch = await existingBranch(repo, ctx);
    const record = ctx.rules.setProtection(repo, branch, protectionRules(ctx.body), ctx.body);
    await installPushHook(repo);
    if (record === undefined) throw new Error("protection not recorded");
    return { status: 200, body: protectionShape(ctx.shapes.api, repo.fullName, branch, record) };
  },

  "repos/delete-branch-protection": async (ctx) => {
    const repo = adminRepo(ctx, "write");
    const branch = await existingBranch(repo, ctx);
    if (ctx.rules.protection(repo, branch) === undefined) throw new HttpError(404, "Branch not protected");
    ctx.rules.setProtection(repo, branch, undefined);
    return { status: 204 };
  },
};
