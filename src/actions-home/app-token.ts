/**
 * The coordinator's App installation token: GitHub starts no workflow for a push or a pull request made with a
 * job's GITHUB_TOKEN, so a milestone PR that needs required checks never gets them. When the coordinator job is given
 * a GitHub App's id and private key (`WEAVE_APP_ID`, `WEAVE_APP_PRIVATE_KEY`, repository secrets passed in the
 * coordinator workflow's `env:` only — never the worker job's), this mints that App's installation token for this
 * repository, and the coordinator uses it for pushes and pull requests only.
 * Responsibilities: read the two values (both or neither), sign the App JWT (@octokit/auth-app), find the App's
 * installation on this repository, mint a token narrowed to this one repository with `contents` and `pull_requests`
 * write; and compose the coordinator's client: git over HTTPS (every push), PR open/update/merge, update-branch and
 * the GraphQL merge mutations (auto-merge, merge queue) through the App's token, everything else — check runs,
 * dispatches, comments, the ledger's REST writes, reads — through GITHUB_TOKEN, so check runs stay the
 * github-actions App's (workers update them, their buttons come back to the coordinator workflow).
 * At the job's end the token is revoked (`DELETE /installation/token`): it would otherwise stay valid for its hour
 * after the 15-minute job that needed it.
 * Not here: when each call is made (github/pull-merge.ts, github/merge-back.ts); the pass, which revokes the token on
 * every exit path (actions-home/coordinate.ts).
 * Invariants: the JWT and the token are masked before any use (the key, a secret, is the runner's to mask); neither is logged or returned in an error's
 * words; absent values mean GITHUB_TOKEN alone (today's behaviour), one without the other is a usage error; a failed
 * revocation is logged without the token and never fails the job (the token expires within the hour anyway).
 */
import { createAppAuth } from "@octokit/auth-app";
import { ProbotOctokit } from "probot";
import { WeaveError } from "../core/errors.js";
import type { OctokitLike, RepoClient, RepoRef } from "../github/repo-client.js";
import { createRepoClient, httpStatus } from "../github/repo-client.js";

/** The environment variables the coordinator workflow fills from the repository's secrets. */
export const APP_ID_ENV = "WEAVE_APP_ID";
export const APP_KEY_ENV = "WEAVE_APP_PRIVATE_KEY";

/** What the App's token may do here: push (contents) and open, update and merge pull requests (metadata: read is
 * every token's, named so a narrowed token keeps it). Nothing else. */
export const LANDING_PERMISSIONS = { metadata: "read", contents: "write", pull_requests: "write" } as const;

export interface AppCredentials {
  appId: string;
  privateKey: string;
}

/** Both values, neither (undefined: GITHUB_TOKEN alone), or a usage error naming what is missing. */
export function readAppCredentials(env: NodeJS.ProcessEnv): AppCredentials | undefined {
  const appId = (env[APP_ID_ENV] ?? "").trim();
  // Secrets pasted into a single-line field sometimes carry literal "\n"s: accept them as newlines.
  const privateKey = (env[APP_KEY_ENV] ?? "").trim().replace(/\\n/g, "\n");
  if (!appId && !privateKey) return undefined;
  const hint = `add both repository secrets, ${APP_ID_ENV} (the App's numeric id) and ${APP_KEY_ENV} (a private key of the App, PEM), or neither (then PRs and pushes are made with GITHUB_TOKEN and start no CI)`;
  if (!appId) throw new WeaveError("usage", `${APP_KEY_ENV} is set but ${APP_ID_ENV} is empty`, { hint });
  if (!privateKey) throw new WeaveError("usage", `${APP_ID_ENV} is set but ${APP_KEY_ENV} is empty`, { hint });
  if (!/^\d+$/.test(appId)) throw new WeaveError("usage", `${APP_ID_ENV} must be the App's numeric id`, { hint });
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) throw new WeaveError("usage", `${APP_KEY_ENV} does not hold a PEM private key`, { hint });
  return { appId, privateKey };
}

const quietLog = (warn: (m: string) => void) => ({ debug() {}, info() {}, warn, error: warn });

/**
 * Mints the App's installation token for `where`, narrowed to that repository and LANDING_PERMISSIONS. The token is
 * passed to `mask` before it is used.
 */
export async function mintLandingToken(credentials: AppCredentials, where: RepoRef, baseUrl: string, mask: (secret: string) => void, log: (m: string) => void): Promise<string> {
  // The key is a repository secret, masked by the runner already (a multi-line value cannot be masked by a command).
  let jwt: string;
  try {
    jwt = (await createAppAuth({ appId: credentials.appId, privateKey: credentials.privateKey })({ type: "app" })).token;
  } catch {
    throw new WeaveError("usage", `${APP_KEY_ENV} is not a usable private key for App ${credentials.appId}`, { hint: "generate a new private key on the App's settings page and store it as the secret" });
  }
  mask(jwt);
  const app = new ProbotOctokit({ auth: { token: jwt }, baseUrl, throttle: { enabled: false }, retry: { enabled: false }, log: quietLog(log) }) as unknown as OctokitLike;
  const fail = (what: string, e: unknown): WeaveError => {
    const status = httpStatus(e);
    const hint = status === 404
      ? `install the App (id ${credentials.appId}) on ${where.owner}/${where.repo}, with Contents and Pull requests: write`
      : status === 401
        ? `${APP_ID_ENV} and ${APP_KEY_ENV} do not belong together, or the key was revoked`
        : "see the App's settings and installation on GitHub";
    return new WeaveError("not-authorized", `the App token could not be minted: ${what} answered ${status ?? "no status"}`, { hint });
  };
  let installationId: number;
  try {
    const { data } = await app.request("GET /repos/{owner}/{repo}/installation", { owner: where.owner, repo: where.repo });
    installationId = Number((data as { id?: unknown }).id);
  } catch (e) {
    throw fail(`GET /repos/${where.owner}/${where.repo}/installation`, e);
  }
  try {
    const { data } = await app.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: installationId, repositories: [where.repo], permissions: LANDING_PERMISSIONS });
    const token = String((data as { token?: unknown }).token ?? "");
    if (!token) throw new WeaveError("not-authorized", "GitHub answered no token", { hint: "try again; see GitHub's status page" });
    mask(token);
    return token;
  } catch (e) {
    if (e instanceof WeaveError) throw e;
    throw fail("POST /app/installations/{id}/access_tokens", e);
  }
}

/**
 * Revokes `token` (it authenticates its own revocation); true when GitHub answered 204. Never throws; what it logs
 * names the status only, never the token.
 */
export async function revokeLandingToken(token: string, baseUrl: string, log: (m: string) => void): Promise<boolean> {
  const octokit = new ProbotOctokit({ auth: { token }, baseUrl, throttle: { enabled: false }, retry: { enabled: false }, log: quietLog(log) }) as unknown as OctokitLike;
  try {
    await octokit.request("DELETE /installation/token", {});
    return true;
  } catch (e) {
    log(`weave: the App token could not be revoked (GitHub answered ${httpStatus(e) ?? "no status"}); it expires within the hour`);
    return false;
  }
}

/**
 * The coordinator's client: `events` (GITHUB_TOKEN) for everything but what must start CI, which goes through
 * `landing` (the App's token). Its `calls` are GITHUB_TOKEN's (the rate limit the README budgets); the App's are
 * counted in `landing.calls`.
 */
export function landingThroughApp(events: RepoClient, landing: RepoClient): RepoClient {
  return {
    ...events,
    gitAccess: () => landing.gitAccess(),
    createPull: (params) => landing.createPull(params),
    updatePull: (number, params) => landing.updatePull(number, params),
    mergePull: (number, params) => landing.mergePull(number, params),
    updateBranch: (number, head, target) => landing.updateBranch(number, head, target),
    graphql: (query, variables) => landing.graphql(query, variables),
  };
}

/** A RepoClient over an installation token (the same adapter as GITHUB_TOKEN's). */
export function tokenClient(token: string, where: RepoRef, baseUrl: string, log: (m: string) => void): RepoClient {
  const octokit = new ProbotOctokit({ auth: { token }, baseUrl, throttle: { enabled: false }, log: quietLog(log) });
  return createRepoClient(octokit as unknown as OctokitLike, where);
}
