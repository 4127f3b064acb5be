/**
 * The App's HTTP server: probot's webhook middleware at `/api/github/webhooks`, the heartbeat endpoint at
 * `/weave/heartbeat`, `/healthz`, the periodic reconcile tick and, for local development, a smee.io proxy — one port.
 * Every request's body is read bounded (request-body.ts) before any route sees it: 25 MB for webhooks (GitHub's cap),
 * 256 KB for heartbeats, nothing elsewhere; the webhook signature is verified on that bounded copy.
 * Not here: the handlers (github/weave-app.ts); reading the environment and the setup flow (app-config.ts, app-entry.ts).
 * Invariants: close() stops the proxy, the tick and the server, and takes no request once it has begun (then lets
 * the queued work finish); nothing is started at import time.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { SmeeClient } from "smee-client";
import { HEARTBEAT_PATH } from "../core/heartbeat-route.js";
import type { AppConfig } from "./app-config.js";
import type { BodyLimits } from "./request-body.js";
import { BODY_TIMEOUT_MS, HEARTBEAT_MAX_BYTES, readBoundedBody, refuseBody, WEBHOOK_MAX_BYTES } from "./request-body.js";
import type { WeaveApp, WeaveAppOptions } from "./weave-app.js";
import { createWeaveApp } from "./weave-app.js";
import { WriteLanes } from "./write-lane.js";

export const WEBHOOK_PATH = "/api/github/webhooks";
export const HEALTH_PATH = "/healthz";

export interface WeaveServer {
  url: string;
  weave: WeaveApp;
  probot: Probot;
  close(): Promise<void>;
}

export interface WeaveServerOptions extends Omit<WeaveAppOptions, "config"> {
  logLevel?: "info" | "warn" | "error" | "silent";
  /** probot's log format: json lines (production) or pretty (default). */
  logFormat?: "json" | "pretty";
}

/** The cap for a request's body, by route: a route that takes no body gets none. */
export function bodyLimitsFor(req: IncomingMessage, config: AppConfig): BodyLimits {
  const path = (req.url ?? "/").split("?")[0];
  const timeoutMs = config.limits?.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  if (req.method === "POST" && path?.replace(/\/+$/, "") === WEBHOOK_PATH) return { maxBytes: config.limits?.webhookBytes ?? WEBHOOK_MAX_BYTES, timeoutMs };
  if (req.method === "POST" && path === HEARTBEAT_PATH) return { maxBytes: HEARTBEAT_MAX_BYTES, timeoutMs };
  return { maxBytes: 0, timeoutMs };
}

export async function startWeaveServer(config: AppConfig, options: WeaveServerOptions = {}): Promise<WeaveServer> {
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    logLevel: options.logLevel === "silent" ? "fatal" : options.logLevel ?? "info",
    logFormat: options.logFormat,
    Octokit: withWriteLanes(new WriteLanes()),
  });
  const weave = createWeaveApp({ ...options, config });
  const middleware = await createNodeMiddleware(weave.appFn, { probot, webhooksPath: WEBHOOK_PATH });
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBoundedBody(req, bodyLimitsFor(req, config));
    if (!body.ok) return refuseBody(res, body);
    // @octokit/webhooks takes a string `body` as the payload as received: the signature is checked on these bytes.
    (req as IncomingMessage & { body?: string }).body = body.text;
    if (req.method === "POST" && req.url === HEARTBEAT_PATH) return weave.heartbeat(req, res);
    if (req.method === "GET" && req.url === HEALTH_PATH) return void res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    await middleware(req, res, () => {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `no route ${req.method ?? ""} ${req.url ?? ""}` }));
    });
  };
  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      probot.log.error(e as Error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "internal error (see the App's log)" }));
    });
  });
  // Backstops behind the per-body timeout: headers must arrive within 20 s, a whole request within 60 s.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: config.port, host: config.host }, resolve);
  });
  const tick = setInterval(() => void weave.tick(), config.tickSeconds * 1000);
  tick.unref();
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const proxy = config.webhookProxyUrl ? await startWebhookProxy(config.webhookProxyUrl, `${url}${WEBHOOK_PATH}`, probot) : undefined;
  return {
    url,
    weave,
    probot,
    close: async () => {
      await proxy?.stop();
      clearInterval(tick);
      // Stop taking requests first: a heartbeat that came in while the queued work drains would be acknowledged by
      // an App that is going away (its job would then not resend its final report to the App that comes back).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await weave.idle();
      await closed;
    },
  };
}

/**
 * probot's Octokit with weave's write lanes in place of the throttling plugin's write group: the same one write a
 * second per installation, but a dispatch goes ahead of the check-run and comment updates waiting (write-lane.ts).
 */
function withWriteLanes(write: WriteLanes): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: { throttle?: Record<string, unknown> }) => ({ ...options, throttle: { ...options.throttle, write } }));
}

/** Forwards a smee.io channel's deliveries to this server, as probot does with WEBHOOK_PROXY_URL. */
async function startWebhookProxy(source: string, target: string, probot: Probot): Promise<SmeeClient | undefined> {
  const logger = { info: (msg: string) => probot.log.info(msg), error: (msg: string) => probot.log.error(msg) };
  const client = new SmeeClient({ source, target, logger, maxConnectionTimeout: 10_000 });
  try {
    await client.start();
    return client;
  } catch (e) {
    probot.log.warn(`webhook proxy ${source} could not be reached (${(e as Error).message}); webhooks reach only this server's own URL`);
    return undefined;
  }
}
