/**
 * Token revocation: `DELETE /installation/token` (apps/revoke-installation-access-token) — the installation token
 * (or a job's GITHUB_TOKEN, itself an installation token of the github-actions App) used to call it is invalidated at
 * once, everywhere: REST, GraphQL and git over HTTPS all resolve tokens from the same world, so each answers 401
 * afterwards, as GitHub does.
 * Not here: minting (auth.ts), the App routes (routes/apps.ts).
 * Invariants: only the calling token is revoked, never another; a caller that is not an installation token is refused.
 */
import type { RouteTable } from "../route-types.js";
import { HttpError } from "../world.js";

export const tokenRevocationRoutes: RouteTable = {
  "apps/revoke-installation-access-token": (ctx) => {
    const caller = ctx.caller;
    if (caller.kind === "anonymous") throw new HttpError(401, "Requires authentication");
    if (caller.kind !== "token" || (caller.token.kind !== "installation" && caller.token.kind !== "actions")) {
      throw new HttpError(403, "This endpoint revokes the installation access token it is called with");
    }
    ctx.world.tokens.delete(caller.token.token);
    return { status: 204 };
  },
};
