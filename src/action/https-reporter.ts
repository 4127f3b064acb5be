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

const FINAL_STATES = new Set(["finished", "failed", "stopped", "paused"]);

/**
 * Progress reports go out in the background (the latest status wins while one is in flight), so a slow or absent
 * App never slows the agent; a final report is awaited, with retries. The answer is the App's latest signal.
 */
export function createHttpsReporter(options: HttpsReporterOptions): Reporter & { lastError?: string; delivered: number } {
  const fetchImpl = options.fetchImpl ?? fetch;
  const backoff = options.backoffMs ?? [500, 2000];
  let token: { value: string; at: number } | undefined;
  let warned = false;
  let signal: WorkerSignal | undefined;
  let inFlight: Promise<void> | undefined;
  let pending: WorkerStatus | undefined;

  const deliver = async (status: WorkerStatus, retries: readonly number[]): Promise<void> => {
    for (let attempt = 0; attempt <= retries.length; attempt++) {
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
        reporter.delivered++;
        reporter.lastError = undefined;
        if (warned) options.log("weave: the App is reachable again");
        warned = false;
        if (body.signal === "pause" || body.signal === "stop") signal = body.signal;
        return;
      } catch (e) {
        reporter.lastError = (e as Error).message;
        if (attempt < retries.length) await new Promise((r) => setTimeout(r, retries[attempt]));
      }
    }
    if (!warned) options.log(`weave: cannot reach the App (${reporter.lastError}); the milestone keeps running and retries with each heartbeat`);
    warned = true;
  };

  const reporter = {
    delivered: 0,
    lastError: undefined as string | undefined,
    async report(status: WorkerStatus): Promise<WorkerSignal | undefined> {
      if (FINAL_STATES.has(status.state)) {
        pending = undefined;
        await inFlight;
        await deliver(status, backoff);
        return signal;
      }
      pending = status;
      inFlight ??= (async () => {
        while (pending) {
          const next = pending;
          pending = undefined;
          await deliver(next, warned ? [] : backoff);
        }
      })().finally(() => (inFlight = undefined));
      return signal;
    },
  };
  return reporter;
}
