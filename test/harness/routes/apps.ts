/**
 * App and account routes: the authenticated App, the installation on a repository, installation access tokens (App JWT only),
 * collaborator permission (non-collaborators answer `read`), the API root and the rate-limit status.
 * Not here: JWT verification and token minting (auth.ts), counting (rate-limit.ts), listing installations and their
 * repositories (routes/installation-repos.ts).
 * Invariants: installation tokens never get more than the installation granted.
 */
import { mintInstallationToken, requireAppJwt, requireAccess } from "../auth.js";
import type { RouteTable } from "../route-types.js";
import { num, str } from "../route-types.js";
import { iso, notFound } from "../world.js";
import type { AccessLevel } from "../world.js";

export const appRoutes: RouteTable = {
  "apps/get-authenticated": (ctx) => ({ status: 200, body: ctx.shapes.app(requireAppJwt(ctx.caller)) }),

  "apps/get-repo-installation": (ctx) => {
    const app = requireAppJwt(ctx.caller);
    const repo = ctx.world.repo(str(ctx, "owner"), str(ctx, "repo"));
    const installation = ctx.world.installationFor(app.id, repo);
    if (installation === undefined) throw notFound();
    return { status: 200, body: ctx.shapes.installation(installation) };
  },

  "apps/create-installation-access-token": (ctx) => {
    const app = requireAppJwt(ctx.caller);
    const installation = ctx.world.installations.get(num(ctx, "installation_id"));
    if (installation === undefined || installation.app.id !== app.id) throw notFound();
    const token = mintInstallationToken(ctx.world, installation, ctx.body.permissions as Record<string, AccessLevel> | undefined);
    const repos = installation.repositories === "all" ? [...ctx.world.repos.values()].filter((r) => r.owner.id === installation.account.id) : [...installation.repositories].map((n) => ctx.world.repos.get(n)).filter((r) => r !== undefined);
    return { status: 201, body: {
      token: token.token, expires_at: iso(token.expiresAt), permissions: token.permissions, repository_selection: installation.repositories === "all" ? "all" : "selected",
      ...(installation.repositories === "all" ? {} : { repositories: repos.map((r) => ctx.shapes.repository(r)) }),
    } };
  },

  "repos/get-collaborator-permission-level": (ctx) => {
    const repo = ctx.world.repo(str(ctx, "owner"), str(ctx, "repo"));
    requireAccess(ctx.world, ctx.caller, repo, "metadata", "read");
    const login = str(ctx, "username");
    const user = ctx.world.users.get(login.toLowerCase());
    if (user === undefined) throw notFound();
    const permission = ctx.world.permissionOf(repo, login);
    const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
    const flags = { admin: permission === "admin", maintain: permission === "admin" || permission === "maintain", push: legacy !== "read", triage: permission !== "read", pull: true };
    return { status: 200, body: { permission: legacy, role_name: permission, user: { ...ctx.shapes.user(user), permissions: flags, role_name: permission } } };
  },

  "meta/root": (ctx) => {
    const api = ctx.shapes.api;
    return { status: 200, body: ctx.shapes.example("root", { current_user_url: `${api}/user`, repository_url: `${api}/repos/{owner}/{repo}` }) };
  },

  "rate-limit/get": (ctx) => {
    const reset = Math.ceil(ctx.world.now().getTime() / 3600_000) * 3600;
    const core = { limit: 5000, used: 0, remaining: 5000, reset };
    return { status: 200, body: { resources: { core, search: { ...core, limit: 30, remaining: 30 }, graphql: core }, rate: core } };
  },
};
