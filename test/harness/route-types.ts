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
import type { BranchRules } from "./branch-rules.js";
import type { MergeAutomation } from "./merge-automation.js";
import type { Quirks } from "./quirks.js";

export interface RouteResult { status: number; body?: unknown; headers?: Record<string, string> }

export interface Services {
  world: World; shapes: Shapes; events: RepoEvents; webhooks: WebhookBus; payloads: WebhookPayloads; runner: ActionsRunner; actionsApp: AppRecord;
  rules: BranchRules; automation: MergeAutomation; quirks: Quirks;
}

export interface RouteContext extends Services {
  operationId: string;
  caller: Caller;
  params: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The request's own URL (for Link headers). */
  url: URL;
  /** Headers added to a successful answer (e.g. Link from page()). */
  responseHeaders: Record<string, string>;
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

/** One page of `items` as GitHub pages them (per_page ≤ 100, default 30), with GitHub's Link header. */
export function page<T>(ctx: RouteContext, items: T[]): T[] {
  const perPage = Math.min(100, Number(ctx.params.per_page ?? 30));
  const pageNo = Number(ctx.params.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string): string => {
    const url = new URL(ctx.url);
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [...(pageNo < last ? [link(pageNo + 1, "next"), link(last, "last")] : []), ...(pageNo > 1 ? [link(1, "first"), link(pageNo - 1, "prev")] : [])];
  if (links.length > 0) ctx.responseHeaders.link = links.join(", ");
  return items.slice((pageNo - 1) * perPage, pageNo * perPage);
}
