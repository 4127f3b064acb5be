/**
 * Installation listing routes — what an App lists to find its work after a restart: `GET /app/installations` (App
 * JWT) and `GET /installation/repositories`, the repositories an installation token reaches.
 * Not here: one installation and its tokens (routes/apps.ts, auth.ts).
 * Invariants: only an installation token may ask (an App JWT gets 401, GitHub's answer, other tokens 403); the list is
 * exactly what the installation covers, in creation order, paged like GitHub's lists. GitHub's description of
 * `GET /app/installations` gives each `account` as every field of a user *and* of an enterprise (allOf), so the
 * listing answers both (the enterprise's name and slug are the account's login).
 */
import type { RouteTable } from "../route-types.js";
import { page } from "../route-types.js";
import { requireAppJwt } from "../auth.js";
import { covers, HttpError, iso } from "../world.js";

export const installationRoutes: RouteTable = {
  "apps/list-installations": (ctx) => {
    const app = requireAppJwt(ctx.caller);
    const mine = [...ctx.world.installations.values()].filter((i) => i.app.id === app.id);
    return { status: 200, body: page(ctx, mine).map((i) => {
      const shape = ctx.shapes.installation(i);
      const enterprise = { name: i.account.login, slug: i.account.login.toLowerCase(), created_at: iso(i.createdAt), updated_at: iso(i.createdAt) };
      return { ...shape, account: { ...(shape.account as Record<string, unknown>), ...enterprise } };
    }) };
  },

  "apps/list-repos-accessible-to-installation": (ctx) => {
    if (ctx.caller.kind === "app") throw new HttpError(401, "A JSON web token could not be decoded");
    const installation = ctx.caller.kind === "token" && ctx.caller.token.kind === "installation" ? ctx.caller.token.installation : undefined;
    if (installation === undefined) throw new HttpError(403, "You must authenticate with an installation access token in order to list repositories for an installation.");
    const repos = [...ctx.world.repos.values()].filter((r) => covers(installation, r));
    return { status: 200, body: { total_count: repos.length, repository_selection: installation.repositories === "all" ? "all" : "selected", repositories: page(ctx, repos).map((r) => ctx.shapes.repository(r)) } };
  },
};
