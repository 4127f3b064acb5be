/**
 * Server: the HTTP pipeline every REST request goes through, in GitHub's order.
 * Responsibilities: parse JSON (400), match the operation (404), validate parameters and body against GitHub's
 * description (422, unknown fields listed), authenticate, count and rate-limit, run the route, validate the answer,
 * and record calls and violations. Side doors (/_git, /_oidc, /_runner) are not GitHub REST and bypass validation.
 * Not here: what routes do (routes/), who may do it (auth.ts). Invariant: every deviation from GitHub's contract is a violation.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { callerApp, callerUser, requireAccess, resolveCaller } from "./auth.js";
import type { Caller } from "./auth.js";
import type { OpenApiValidator, OperationMatch } from "./openapi-validator.js";
import type { RateLimiter, RateBudgets } from "./rate-limit.js";
import type { RouteContext, RouteTable, Services } from "./route-types.js";
import { HttpError } from "./world.js";

export type ViolationKind = "unknown-route" | "wrong-method" | "invalid-request" | "unknown-field" | "invalid-response" | "unmodelled" | "stand-in-error" | "invalid-webhook" | "runner";
export interface Violation { kind: ViolationKind; method: string; path: string; operationId?: string; message: string }
export interface CallRecord { operationId: string; method: string; path: string; status: number; credential: string }
export type SideDoor = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;

export interface ApiServerOptions {
  validator: OpenApiValidator; routes: RouteTable; services: Services; limiter: RateLimiter; sideDoors: Record<string, SideDoor>;
}

export class ApiServer {
  readonly violations: Violation[] = [];
  readonly calls: CallRecord[] = [];
  private readonly server: Server;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ApiServerOptions) {
    this.server = createServer((req, res) => {
      const handling = this.handle(req, res).finally(() => this.inFlight.delete(handling));
      this.inFlight.add(handling);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return `http://127.0.0.1:${address.port}`;
  }

  /** Waits for the requests being handled now (and their side effects) to finish. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.drain();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    try {
      const door = Object.entries(this.options.sideDoors).find(([prefix]) => url.pathname.startsWith(prefix));
      if (door !== undefined) { await door[1](req, res, raw); return; }
      await this.handleRest(req, res, url, raw);
    } catch (error) {
      this.violations.push({ kind: "stand-in-error", method: req.method ?? "", path: url.pathname, message: String((error as Error).stack ?? error) });
      if (!res.headersSent) send(res, 500, { message: `stand-in error: ${String(error)}` });
    }
  }

  private async handleRest(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const { validator, routes, services, limiter } = this.options;
    const fail = (kind: ViolationKind, status: number, message: string, operationId?: string): void => {
      this.violations.push({ kind, method, path, message, ...(operationId === undefined ? {} : { operationId }) });
      send(res, status, new HttpError(status, status === 404 ? "Not Found" : message).body());
    };
    if (req.headers["user-agent"] === undefined) {
      fail("invalid-request", 403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
      return;
    }
    let body: unknown;
    const hasBody = raw.length > 0;
    if (hasBody) {
      try { body = JSON.parse(raw.toString("utf8")); } catch { fail("invalid-request", 400, "Problems parsing JSON"); return; }
    }
    const matched = validator.match(method, path);
    if (matched.kind === "no-route") { fail("unknown-route", 404, `${method} ${path} is not an operation of GitHub's REST API (or not in the stand-in's subset)`); return; }
    if (matched.kind === "wrong-method") { fail("wrong-method", 404, `${method} ${path}: GitHub describes only ${matched.allowed.join(", ")} here`); return; }
    const match = matched.match;
    const check = validator.checkRequest(match, url.searchParams, body, hasBody);
    if (check.problems.length > 0) {
      fail("invalid-request", check.badPath ? 404 : 422, `Invalid request.\n\n${check.problems.join("\n")}`, match.operationId);
      return;
    }
    for (const field of check.unknownFields) this.violations.push({ kind: "unknown-field", method, path, operationId: match.operationId, message: `${field} is not in GitHub's description of ${match.operationId} (GitHub ignores it silently)` });
    const handler = routes[match.operationId];
    if (handler === undefined) { fail("unmodelled", 501, `${match.operationId} is described by GitHub but not modelled by the stand-in`, match.operationId); return; }
    let caller: Caller = { kind: "anonymous" };
    let status = 500;
    let headers: Record<string, string> = {};
    let answer: unknown;
    try {
      caller = await resolveCaller(services.world, req.headers.authorization);
      const [key, budget] = credentialKey(caller);
      headers = limiter.take(key, budget, match.operationId);
      const ctx = this.context(match, caller, check.params, (body ?? {}) as Record<string, unknown>, new URL(url.pathname + url.search, services.world.baseUrl));
      const refused = services.quirks.refusal(match.operationId, ctx.body);
      if (refused) throw refused;
      const result = await handler(ctx);
      status = result.status;
      answer = result.body;
      headers = { ...headers, ...ctx.responseHeaders, ...result.headers };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      answer = error.body();
      headers = { ...headers, ...error.headers };
    }
    this.calls.push({ operationId: match.operationId, method, path, status, credential: credentialKey(caller)[0] });
    for (const problem of validator.checkResponse(match, status, answer)) {
      this.violations.push({ kind: "invalid-response", method, path, operationId: match.operationId, message: problem });
    }
    send(res, status, answer, headers);
  }

  private context(match: OperationMatch, caller: Caller, params: Record<string, unknown>, body: Record<string, unknown>, url: URL): RouteContext {
    const { services } = this.options;
    return {
      ...services, operationId: match.operationId, caller, params, body, url, responseHeaders: {},
      repo: (permission, level) => {
        const repo = services.world.repo(String(params.owner), String(params.repo));
        requireAccess(services.world, caller, repo, permission, level);
        return repo;
      },
      actor: () => {
        const user = callerUser(services.world, caller);
        if (user === undefined) throw new HttpError(401, "Requires authentication");
        return user;
      },
      app: () => callerApp(services.world, caller, services.actionsApp),
    };
  }
}

export function credentialKey(caller: Caller): [string, keyof RateBudgets] {
  if (caller.kind === "anonymous") return ["anonymous", "anonymous"];
  if (caller.kind === "app") return [`app:${caller.app.id}`, "installation"];
  const token = caller.token;
  if (token.kind === "installation") return [`installation:${token.installation?.id ?? 0}`, "installation"];
  if (token.kind === "actions") return [`actions:${token.repoFullName ?? ""}`, "actions"];
  return [`user:${token.user?.login ?? ""}`, "user"];
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader("x-github-request-id", randomUUID().toUpperCase());
  res.setHeader("x-github-api-version-selected", "2022-11-28");
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined || status === 204) { res.end(); return; }
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}
