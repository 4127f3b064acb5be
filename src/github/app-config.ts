/**
 * App configuration from the environment (`.env` in development): credentials, URLs, and tuning.
 * Responsibilities: read and check every setting at start, with errors that name the variable.
 * Not here: probot's own settings it reads itself (LOG_LEVEL, …).
 * Invariants: the environment is a parameter, never read at import time.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WeaveError } from "../core/errors.js";
import { oidcIssuerFor } from "./job-claims.js";

export interface AppConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** GitHub's API base (tests point it at the stand-in). */
  baseUrl?: string;
  /** Where jobs send heartbeats: this server's public URL. */
  publicUrl: string;
  /** The OIDC issuer jobs' tokens come from. */
  oidcIssuer: string;
  workflowFile: string;
  /** Seconds between periodic reconciles of every active repository. */
  tickSeconds: number;
  /** At most one progress update per check run in this many seconds. */
  checkRunIntervalSeconds: number;
  port: number;
  /** Where the App keeps a bare clone per repository for merges (real `git merge-tree`). */
  cacheDir: string;
}

export function readAppConfig(env: NodeJS.ProcessEnv): AppConfig {
  const missing = ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "WEAVE_PUBLIC_URL"].filter((k) => !env[k]);
  if (missing.length) throw new WeaveError("usage", `missing environment variable${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, { hint: "copy .env.example to .env and fill it in (see README: Running the App)" });
  return {
    appId: env.APP_ID!,
    privateKey: env.PRIVATE_KEY!.replace(/\\n/g, "\n"),
    webhookSecret: env.WEBHOOK_SECRET!,
    baseUrl: env.GHE_HOST ? `https://${env.GHE_HOST}/api/v3` : env.GITHUB_API_URL,
    publicUrl: env.WEAVE_PUBLIC_URL!,
    oidcIssuer: env.WEAVE_OIDC_ISSUER ?? oidcIssuerFor(env.GHE_HOST),
    workflowFile: env.WEAVE_WORKFLOW ?? "weave-worker.yml",
    tickSeconds: Number(env.WEAVE_TICK_SECONDS ?? 60),
    checkRunIntervalSeconds: Number(env.WEAVE_CHECK_RUN_INTERVAL ?? 30),
    port: Number(env.PORT ?? 3000),
    cacheDir: env.WEAVE_CACHE_DIR ?? join(tmpdir(), "weave-app-cache"),
  };
}
