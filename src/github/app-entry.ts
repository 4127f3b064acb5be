/**
 * The App's composition root behind `npm start`: with no APP_ID (outside NODE_ENV=production) probot's own `run`,
 * which serves the manifest flow from ./app.yml at /probot and writes APP_ID, PRIVATE_KEY, WEBHOOK_SECRET to .env;
 * otherwise the checked configuration (app-config.ts) and the server (server.ts), logging weave's version; LOG_LEVEL
 * and LOG_FORMAT as probot reads them. Not here: the routes (server.ts); reading `.env` and exiting (main.ts).
 * Invariants: the environment is a parameter; a configuration problem is a WeaveError thrown before anything listens.
 */
import { run } from "probot";
import { SmeeClient } from "smee-client";
import { readAppConfig } from "./app-config.js";
import { readAppVersion } from "./app-version.js";
import { startWeaveServer, WEBHOOK_PATH } from "./server.js";
import { HEARTBEAT_PATH } from "../core/heartbeat-route.js";

export interface RunningApp {
  mode: "setup" | "serve";
  url: string;
  close(): Promise<void>;
}

export async function startApp(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<RunningApp> {
  const { name, version } = readAppVersion();
  if (!env.APP_ID && env.NODE_ENV !== "production") {
    log(`${name} ${version}: APP_ID is not set — serving the setup flow that registers the App from app.yml`);
    const server = await run(() => {}, { env, SmeeClient });
    return { mode: "setup", url: `http://localhost:${server.port}/probot`, close: () => server.stop() };
  }
  const config = readAppConfig(env);
  const server = await startWeaveServer(config, { env, logLevel: logLevel(env.LOG_LEVEL), logFormat: env.LOG_FORMAT === "json" || env.LOG_FORMAT === "pretty" ? env.LOG_FORMAT : env.NODE_ENV === "production" ? "json" : "pretty" });
  log(`${name} ${version} (probot ${server.probot.version ?? "?"}) listening on ${server.url}: webhooks at ${WEBHOOK_PATH}, heartbeats at ${HEARTBEAT_PATH}, health at /healthz`);
  return { mode: "serve", url: server.url, close: () => server.close() };
}

function logLevel(value: string | undefined): "info" | "warn" | "error" | undefined {
  return value === "info" || value === "warn" || value === "error" ? value : undefined;
}
