/**
 * Auth: who is calling, and may they do this.
 * Responsibilities: verify App JWTs (RS256, signed by the App's key, at most 10 minutes long), mint installation,
 * Actions (GITHUB_TOKEN) and user tokens, resolve an Authorization header to an identity, and check repository
 * permissions with GitHub's answers (401 bad credentials, 403 "Resource not accessible by integration", 404 unseen repo).
 * Not here: counting calls per token (rate-limit.ts). Invariant: a token only ever reaches the repositories it covers.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt, jwtVerify } from "jose";
import { covers, HttpError, notFound } from "./world.js";
import type { AccessLevel, AppRecord, InstallationRecord, RepoRecord, TokenRecord, UserRecord, World } from "./world.js";

export type Caller =
  | { kind: "anonymous" }
  | { kind: "app"; app: AppRecord }
  | { kind: "token"; token: TokenRecord };

export const ACTIONS_APP_ID = 15368;

const badCredentials = (): HttpError => new HttpError(401, "Bad credentials");

export function mintToken(world: World, record: Omit<TokenRecord, "token" | "expiresAt">, prefix = "ghs_"): TokenRecord {
  const token: TokenRecord = { ...record, token: `${prefix}${randomBytes(18).toString("base64url")}`, expiresAt: new Date(world.now().getTime() + 3600_000) };
  world.tokens.set(token.token, token);
  return token;
}

export function mintInstallationToken(world: World, installation: InstallationRecord, permissions?: Record<string, AccessLevel>): TokenRecord {
  const granted = installation.app.permissions;
  for (const [name, level] of Object.entries(permissions ?? {})) {
    if (!allows(granted[name], level)) throw new HttpError(422, `The permissions requested are not granted to this installation.`);
  }
  return mintToken(world, { kind: "installation", installation, permissions: permissions ?? granted });
}

export async function resolveCaller(world: World, header: string | undefined): Promise<Caller> {
  if (header === undefined || header.trim() === "") return { kind: "anonymous" };
  const match = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (match === null) throw badCredentials();
  const credential = match[2] ?? "";
  if (credential.split(".").length === 3) return { kind: "app", app: await verifyAppJwt(world, credential) };
  const token = world.tokens.get(credential);
  if (token === undefined || token.expiresAt.getTime() <= world.now().getTime()) throw badCredentials();
  return { kind: "token", token };
}

async function verifyAppJwt(world: World, jwt: string): Promise<AppRecord> {
  let issuer: string | undefined;
  try {
    const claims = decodeJwt(jwt);
    issuer = claims.iss === undefined ? undefined : String(claims.iss);
  } catch {
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
  const app = [...world.apps.values()].find((a) => String(a.id) === issuer || a.clientId === issuer);
  if (app === undefined) throw new HttpError(401, `'Issuer' claim ('iss') must be an Integer`);
  const now = Math.floor(world.now().getTime() / 1000);
  try {
    const { payload } = await jwtVerify(jwt, app.publicKey, { algorithms: ["RS256"], currentDate: world.now(), clockTolerance: 60 });
    if (typeof payload.iat !== "number" || typeof payload.exp !== "number") throw new HttpError(401, "Missing 'issued at' or 'expiration time' claim");
    if (payload.iat > now + 60) throw new HttpError(401, "'Issued at' claim ('iat') must be an Integer representing a time in the past.");
    if (payload.exp - payload.iat > 600 || payload.exp > now + 600) throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
    return app;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
}

export function callerUser(world: World, caller: Caller): UserRecord | undefined {
  if (caller.kind !== "token") return undefined;
  const token = caller.token;
  if (token.kind === "user") return token.user;
  if (token.kind === "installation") return token.installation?.app.bot;
  return world.user("github-actions[bot]", "Bot");
}

/** The App behind a caller: the installation's App, or GitHub Actions for GITHUB_TOKEN. */
export function callerApp(world: World, caller: Caller, actionsApp: AppRecord): AppRecord | undefined {
  if (caller.kind === "app") return caller.app;
  if (caller.kind !== "token") return undefined;
  if (caller.token.kind === "installation") return caller.token.installation?.app;
  if (caller.token.kind === "actions") return actionsApp;
  return undefined;
}

export function allows(granted: AccessLevel | undefined, wanted: AccessLevel): boolean {
  const rank = { read: 1, write: 2, admin: 3 };
  return granted !== undefined && rank[granted] >= rank[wanted];
}

/** Throws GitHub's answer unless `caller` may use `permission` at `level` on `repo`. */
export function requireAccess(world: World, caller: Caller, repo: RepoRecord, permission: string, level: AccessLevel): void {
  if (caller.kind === "anonymous") {
    if (repo.private) throw notFound();
    if (level !== "read") throw new HttpError(401, "Requires authentication");
    return;
  }
  if (caller.kind === "app") throw new HttpError(403, "Resource not accessible by integration: an App JWT only reaches /app endpoints; use an installation token");
  const token = caller.token;
  if (token.kind === "user") {
    const role = world.permissionOf(repo, token.user?.login ?? "");
    if (repo.private && role === "read" && !repo.collaborators.has((token.user?.login ?? "").toLowerCase())) throw notFound();
    const effective: AccessLevel = role === "admin" ? "admin" : role === "write" || role === "maintain" ? "write" : "read";
    if (!allows(effective, level)) throw new HttpError(403, "Must have admin rights to Repository.");
    return;
  }
  const reaches = token.kind === "installation" ? token.installation !== undefined && covers(token.installation, repo) : token.repoFullName?.toLowerCase() === repo.fullName.toLowerCase();
  if (!reaches) throw notFound();
  if (!allows(token.permissions[permission], level)) {
    throw new HttpError(403, "Resource not accessible by integration", {}, { "x-accepted-github-permissions": `${permission}=${level}` });
  }
}

export function requireAppJwt(caller: Caller): AppRecord {
  if (caller.kind === "app") return caller.app;
  throw new HttpError(401, "A JSON web token could not be decoded");
}
