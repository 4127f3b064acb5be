/**
 * Route types: what a REST operation handler receives and returns, and the small readers every handler uses.
 * Responsibilities: the RouteContext contract between server.ts and routes/*.ts.
 * Not here: the handlers themselves (routes/), the HTTP pipeline (server.ts).
 * Invariants: handlers see parameters already validated against GitHub's description; they throw HttpError for GitHub's answers.
 */
import type { Caller } from "./auth.js";
import type { Shapes } from "./shapes.js";
import type { AccessLevel, AppRecord, RepoRecord, UserRecord, World } from "./world.js";
import type { RepoEvents } from "./repo-events.js";
import type { WebhookBus } from "./webhooks.js";
import type { WebhookPayloads } from "./webhook-payloads.js";
import type { ActionsRunner } from "./actions-runner.js";

export interface RouteResult { status: number; body?: unknown; headers?: Record<string, string> }

export interface Services {
  world: World; shapes: Shapes; events: RepoEvents; webhooks: WebhookBus; payloads: WebhookPayloads; runner: ActionsRunner; actionsApp: AppRecord;
}

export interface RouteContext extends Services {
  operationId: string;
  caller: Caller;
  params: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The repository named by the owner/repo path parameters (404 if unknown), after checking the caller's access. */
  repo(permission: string, level: AccessLevel): RepoRecord;
  /** The acting user (the App's bot for installation tokens), or 401. */
  actor(): UserRecord;
  /** The App behind the caller (installation or GITHUB_TOKEN), if any. */
  app(): AppRecord | undefined;
}

export type RouteHandler = (ctx: RouteContext) => Promise<RouteResult> | RouteResult;
export type RouteTable = Record<string, RouteHandler>;

export function str(ctx: RouteContext, name: string): string {
  const value = ctx.params[name] ?? ctx.body[name];
  return typeof value === "string" ? value : String(value ?? "");
}

export function num(ctx: RouteContext, name: string): number {
  return Number(ctx.params[name] ?? ctx.body[name]);
}

export function page<T>(ctx: RouteContext, items: T[]): T[] {
  const perPage = Math.min(100, Number(ctx.params.per_page ?? 30));
  const pageNo = Number(ctx.params.page ?? 1);
  return items.slice((pageNo - 1) * perPage, pageNo * perPage);
}
