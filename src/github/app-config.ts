/**
 * App configuration from the environment (`.env` in development): credentials, URLs, and tuning.
 * Responsibilities: read and check every setting at start — the private key the way probot finds it (PRIVATE_KEY as
 * PEM or base64, PRIVATE_KEY_PATH, or one *.pem in the working directory) and parsed now, so a bad key fails at boot —
 * reporting every problem at once, each naming its variable.
 * Not here: the manifest setup flow when APP_ID is missing (github/app-entry.ts); LOG_LEVEL and LOG_FORMAT (probot).
 * Invariants: the environment is a parameter, never read at import time; the key is never put in an error message.
 */
import { createPrivateKey } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPrivateKey } from "@probot/get-private-key";
import type { Problem } from "../core/errors.js";
import { WeaveError } from "../core/errors.js";
import { oidcIssuerFor } from "./job-claims.js";
import { WEBHOOK_MAX_BYTES } from "./request-body.js";

export interface AppConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /**
   * The secret the run ledger's MAC key is derived from (github/ledger.ts): unset on the App server, which uses the
   * webhook secret; WEAVE_LEDGER_KEY in the Actions home.
   */
  ledgerSecret?: string;
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
  /** The address to listen on (HOST; default every interface, as a container needs). */
  host?: string;
  /** Where the App keeps a bare clone per repository for merges (real `git merge-tree`). */
  cacheDir: string;
  /** A smee.io channel whose deliveries are forwarded to this server (local development). */
  webhookProxyUrl?: string;
  /** Body caps and the time a body may take to arrive; defaults in server.ts. */
  limits?: { webhookBytes?: number; bodyTimeoutMs?: number };
  /**
   * weave's own pushes and PRs start no workflows: the Actions home with GITHUB_TOKEN alone (no App id + key in the
   * coordinator job). A PR waiting for required checks then says they will never run, and what to do.
   */
  ownWritesStartNoCi?: boolean;
}

const HINT = "copy .env.example to .env and fill it in (README: \"Running the App\" → Configure)";

export function readAppConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): AppConfig {
  const problems: Problem[] = ["APP_ID", "WEBHOOK_SECRET", "WEAVE_PUBLIC_URL"].filter((k) => !env[k]).map((k) => ({ message: `${k} is not set` }));
  const privateKey = readPrivateKey(env, cwd, problems);
  const number = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) problems.push({ message: `${name} must be a number ≥ ${min}, not ${JSON.stringify(raw)}` });
    return value;
  };
  const url = (name: string): string | undefined => {
    const raw = env[name];
    if (!raw) return undefined;
    if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) problems.push({ message: `${name} must be an http(s) URL, not ${JSON.stringify(raw)}` });
    return raw;
  };
  const baseUrl = env.GHE_HOST ? apiBaseUrl(env.GHE_HOST, env.GHE_PROTOCOL) : url("GITHUB_API_URL");
  const config: AppConfig = {
    appId: env.APP_ID ?? "",
    privateKey: privateKey ?? "",
    webhookSecret: env.WEBHOOK_SECRET ?? "",
    baseUrl,
    publicUrl: url("WEAVE_PUBLIC_URL") ?? "",
    oidcIssuer: url("WEAVE_OIDC_ISSUER") ?? oidcIssuerFor(baseUrl !== undefined && URL.canParse(baseUrl) ? new URL(baseUrl).host : undefined),
    workflowFile: env.WEAVE_WORKFLOW ?? "weave-worker.yml",
    tickSeconds: number("WEAVE_TICK_SECONDS", 60, 1),
    checkRunIntervalSeconds: number("WEAVE_CHECK_RUN_INTERVAL", 30, 0),
    port: number("PORT", 3000, 0),
    host: env.HOST || undefined,
    cacheDir: env.WEAVE_CACHE_DIR ?? join(tmpdir(), "weave-app-cache"),
    webhookProxyUrl: url("WEBHOOK_PROXY_URL"),
    limits: {
      webhookBytes: number("WEAVE_MAX_WEBHOOK_BYTES", WEBHOOK_MAX_BYTES, 1024),
      bodyTimeoutMs: number("WEAVE_BODY_TIMEOUT_SECONDS", 10, 1) * 1000,
    },
  };
  if (problems.length) {
    const message = problems.length === 1 ? `the App cannot start: ${problems[0]!.message}` : `the App cannot start: ${problems.length} problems in its configuration`;
    throw new WeaveError("usage", message, { hint: (problems.length === 1 ? problems[0]!.hint : undefined) ?? HINT, problems: problems.length > 1 ? problems : [] });
  }
  return config;
}

/**
 * The REST API's base URL for `GHE_HOST`, the way each kind of host serves it: GHE.com (data residency,
 * `SUBDOMAIN.ghe.com`) at `https://api.SUBDOMAIN.ghe.com`, GitHub Enterprise Server at `https://HOST/api/v3`
 * (probot's own reading of GHE_HOST knows only the latter; the App hands probot this URL instead).
 */
export function apiBaseUrl(gheHost: string, protocol = "https"): string {
  const host = gheHost.replace(/^https?:\/\//, "").replace(/\/.*$/, "").toLowerCase();
  if (host.endsWith(".ghe.com")) return `https://${host.startsWith("api.") ? host : `api.${host}`}`;
  return `${protocol}://${host}/api/v3`;
}

/** The PEM of the App's private key, checked to be one; undefined (with a problem noted) when it is missing or bad. */
function readPrivateKey(env: NodeJS.ProcessEnv, cwd: string, problems: Problem[]): string | undefined {
  const source = env.PRIVATE_KEY ? "PRIVATE_KEY" : env.PRIVATE_KEY_PATH ? `PRIVATE_KEY_PATH (${env.PRIVATE_KEY_PATH})` : "the .pem file in the working directory";
  const keyHint = "set PRIVATE_KEY to the whole .pem GitHub gave you (BEGIN and END lines included; \\n escapes and base64 are fine), or PRIVATE_KEY_PATH to the file";
  let pem: string | null;
  try {
    pem = getPrivateKey({ env, cwd });
  } catch {
    // @probot/get-private-key refused the value (not PEM, not base64 of PEM) or the path: say which source, in our words.
    problems.push({ message: `${source} does not hold a PEM private key`, hint: keyHint });
    return undefined;
  }
  if (pem === null) {
    problems.push({ message: "no private key: PRIVATE_KEY and PRIVATE_KEY_PATH are not set and there is no .pem file here", hint: keyHint });
    return undefined;
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "rsa") throw new Error(key.asymmetricKeyType);
  } catch {
    problems.push({ message: `${source} is not a usable RSA private key (GitHub Apps sign with RSA keys)`, hint: `${keyHint}; generate a new key on the App's settings page if this one is damaged` });
    return undefined;
  }
  return pem;
}
