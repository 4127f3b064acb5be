/**
 * HTTPS reporter: the Action's heartbeat to the weave App, authenticated by the job's OIDC token (audience `weave`).
 * Responsibilities: POST the worker status to `<app-url>/weave/heartbeat`, read back `pause`/`stop`, retry with
 * backoff, and never fail the job because the App is away.
 * Not here: what the App does with it (github/heartbeat-endpoint.ts), local status files (local/file-reporter.ts).
 * Invariants: the token is never logged; a heartbeat is at most one request in flight.
 */
import type { Reporter, WorkerSignal, WorkerStatus } from "../ports/reporter.js";

export interface HttpsReporterOptions {
  appUrl: string;
  dispatchId: string;
  getIdToken: () => Promise<string>;
  log: (message: string) => void;
  fetchImpl?: typeof fetch;
  /** Delays between tries of one report, in ms (default 0.5 s, 2 s). */
  backoffMs?: readonly number[];
  timeoutMs?: number;
}

export const HEARTBEAT_PATH = "/weave/heartbeat";

export function createHttpsReporter(options: HttpsReporterOptions): Reporter & { lastError?: string; delivered: number } {
  const fetchImpl = options.fetchImpl ?? fetch;
  const backoff = options.backoffMs ?? [500, 2000];
  let token: { value: string; at: number } | undefined;
  let warned = false;
  const state = {
    delivered: 0,
    lastError: undefined as string | undefined,
    async report(status: WorkerStatus): Promise<WorkerSignal | undefined> {
      for (let attempt = 0; attempt <= backoff.length; attempt++) {
        try {
          // OIDC tokens live ~5 minutes; refresh every 4.
          if (!token || Date.now() - token.at > 240_000) token = { value: await options.getIdToken(), at: Date.now() };
          const response = await fetchImpl(new URL(HEARTBEAT_PATH, options.appUrl), {
            method: "POST",
            headers: { authorization: `Bearer ${token.value}`, "content-type": "application/json" },
            body: JSON.stringify({ dispatch_id: options.dispatchId, status }),
            signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
          });
          if (response.status === 401) token = undefined;
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const body = (await response.json().catch(() => ({}))) as { signal?: unknown };
          state.delivered++;
          if (warned) options.log("weave: the App is reachable again");
          warned = false;
          return body.signal === "pause" || body.signal === "stop" ? body.signal : undefined;
        } catch (e) {
          state.lastError = (e as Error).message;
          if (attempt < backoff.length) await new Promise((r) => setTimeout(r, backoff[attempt]));
        }
      }
      if (!warned) options.log(`weave: cannot reach the App (${state.lastError}); the milestone keeps running and retries with each heartbeat`);
      warned = true;
      return undefined;
    },
  };
  return state;
}
