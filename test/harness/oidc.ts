/**
 * OIDC issuer for simulated Actions jobs, like token.actions.githubusercontent.com.
 * Responsibilities: an RS256 key with a JWKS and a discovery document under /_oidc, ID tokens with GitHub's
 * claims, and the runner's token request endpoint (ACTIONS_ID_TOKEN_REQUEST_URL, bearer request token, `audience`).
 * Not here: which job asks (actions-runner.ts registers each job's claims). Invariants: tokens live 5 minutes,
 * the request token only works while its job runs, `aud` defaults to https://github.com/<owner> as on GitHub.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { CryptoKey, JWK } from "jose";

export interface JobClaims {
  sub: string; repository: string; repository_id: string; repository_owner: string; repository_owner_id: string; repository_visibility: string;
  run_id: string; run_number: string; run_attempt: string; workflow: string; workflow_ref: string; workflow_sha: string; job_workflow_ref: string; job_workflow_sha: string;
  ref: string; ref_type: string; ref_protected: string; sha: string; actor: string; actor_id: string; event_name: string; head_ref: string; base_ref: string; runner_environment: string;
}

/** One signing key per process: RSA generation is slow and the key carries no test state. */
let processKey: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> | undefined;

export class OidcIssuer {
  private key: { privateKey: CryptoKey; jwk: JWK } | undefined;
  private readonly requests = new Map<string, JobClaims>();
  readonly kid = randomBytes(8).toString("hex");

  constructor(readonly issuer: string, private readonly now: () => Date) {}

  async init(): Promise<void> {
    processKey ??= generateKeyPair("RS256");
    const { privateKey, publicKey } = await processKey;
    this.key = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: this.kid, alg: "RS256", use: "sig" } };
  }

  jwks(): { keys: JWK[] } { return { keys: this.key === undefined ? [] : [this.key.jwk] }; }

  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer, jwks_uri: `${this.issuer}/.well-known/jwks`, subject_types_supported: ["public", "pairwise"], response_types_supported: ["id_token"],
      claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository", "repository_id", "repository_owner", "repository_owner_id", "run_id", "run_number", "run_attempt", "actor", "actor_id", "workflow", "workflow_ref", "workflow_sha", "job_workflow_ref", "job_workflow_sha", "head_ref", "base_ref", "event_name", "ref_type", "ref_protected", "repository_visibility", "runner_environment"],
      id_token_signing_alg_values_supported: ["RS256"], scopes_supported: ["openid"],
    };
  }

  /** Registers a running job; returns the bearer token it presents at the request URL. */
  register(claims: JobClaims): string {
    const token = randomBytes(24).toString("base64url");
    this.requests.set(token, claims);
    return token;
  }

  revoke(token: string): void { this.requests.delete(token); }

  async mint(claims: JobClaims, audience: string | undefined): Promise<string> {
    if (this.key === undefined) throw new Error("OIDC issuer not initialised");
    const iat = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid, x5t: this.kid })
      .setIssuer(this.issuer).setSubject(claims.sub).setAudience(audience ?? `https://github.com/${claims.repository_owner}`)
      .setJti(randomBytes(16).toString("hex")).setIssuedAt(iat).setNotBefore(iat - 5).setExpirationTime(iat + 300)
      .sign(this.key.privateKey);
  }

  /** Side door for /_oidc (discovery, JWKS). */
  async serveIssuer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = path.endsWith("/.well-known/openid-configuration") ? this.discovery() : path.endsWith("/.well-known/jwks") ? this.jwks() : undefined;
    res.statusCode = body === undefined ? 404 : 200;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(body ?? { message: "Not Found" }));
  }

  /** Side door for the runner's ID token request URL (what @actions/core getIDToken calls). */
  async serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const claims = bearer === undefined ? undefined : this.requests.get(bearer);
    res.setHeader("content-type", "application/json");
    if (claims === undefined) { res.statusCode = 401; res.end(JSON.stringify({ message: "Bad credentials" })); return; }
    res.statusCode = 200;
    res.end(JSON.stringify({ count: 1, value: await this.mint(claims, url.searchParams.get("audience") ?? undefined) }));
  }
}
