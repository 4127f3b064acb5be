/**
 * `npm start`: run the weave GitHub App (reads `.env` when present; see .env.example).
 */
import { existsSync } from "node:fs";
import { isWeaveError } from "../core/errors.js";
import { renderErrorText } from "../core/render/error-render.js";
import { readAppConfig } from "./app-config.js";
import { startWeaveServer } from "./server.js";

try {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const server = await startWeaveServer(readAppConfig(process.env));
  console.log(`weave App listening on ${server.url} (webhooks at /api/github/webhooks, heartbeats at /weave/heartbeat)`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
} catch (e) {
  process.stderr.write(isWeaveError(e) ? renderErrorText(e) : `${(e as Error).stack}\n`);
  process.exit(1);
}
