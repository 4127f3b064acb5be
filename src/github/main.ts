/**
 * `npm start`: run the weave GitHub App (reads `.env` when present; see .env.example). A thin entry over app-entry.ts.
 */
import { existsSync } from "node:fs";
import { isWeaveError } from "../core/errors.js";
import { renderErrorText } from "../core/render/error-render.js";
import { startApp } from "./app-entry.js";

try {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const app = await startApp(process.env, (line) => console.log(line));
  if (app.mode === "setup") console.log(`open ${app.url} to register the App`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
} catch (e) {
  process.stderr.write(isWeaveError(e) ? renderErrorText(e) : `${(e as Error).stack}\n`);
  process.exit(1);
}
