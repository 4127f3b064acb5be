/**
 * The App's HTTP server: probot's webhook middleware at `/api/github/webhooks`, the heartbeat endpoint at
 * `/weave/heartbeat`, a health check, and the periodic reconcile tick — on one port.
 * Not here: the handlers (github/weave-app.ts).
 * Invariants: close() stops the tick and the server; nothing is started at import time.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot } from "probot";
import { HEARTBEAT_PATH } from "../action/https-reporter.js";
import type { AppConfig } from "./app-config.js";
import type { WeaveApp, WeaveAppOptions } from "./weave-app.js";
import { createWeaveApp } from "./weave-app.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export interface WeaveServer {
  url: string;
  weave: WeaveApp;
  probot: Probot;
  close(): Promise<void>;
}

export async function startWeaveServer(config: AppConfig, options: Omit<WeaveAppOptions, "config"> & { logLevel?: "info" | "warn" | "error" | "silent" } = {}): Promise<WeaveServer> {
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    logLevel: options.logLevel === "silent" ? "fatal" : options.logLevel ?? "info",
  });
  const weave = createWeaveApp({ ...options, config });
  const middleware = await createNodeMiddleware(weave.appFn, { probot, webhooksPath: WEBHOOK_PATH });
  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url === HEARTBEAT_PATH) return weave.heartbeat(req, res);
    if (req.method === "GET" && req.url === "/healthz") return void res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const tick = setInterval(() => void weave.tick(), config.tickSeconds * 1000);
  tick.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    weave,
    probot,
    close: async () => {
      clearInterval(tick);
      await weave.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
