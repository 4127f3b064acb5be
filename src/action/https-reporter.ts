/**
 * HTTPS reporter: the Action's heartbeat to the weave App, authenticated by the job's OIDC token (audience `weave`).
 * Responsibilities: POST the worker status (its wire shape: no agent output) to `<app-url>/weave/heartbeat`, read back
 * `pause`/`stop`, the `/weave tell` notes (each given to the worker once, acknowledged in later reports) and the run's
 * remaining budget, retry what may succeed later (network errors, timeouts, 401 with a fresh token, 408, 429, 5xx) and
 * not what cannot (other 4xx), know whether the final report was acknowledged, and never fail the job because the
 * App is away.
 * Not here: the path both sides agree on (core/heartbeat-route.ts), what the App does with it
 * (github/heartbeat-endpoint.ts), local status files (local/file-reporter.ts).
 * Invariants: the token is never logged; a heartbeat is at most one request in flight.
 */
import { z } from "zod";
import { HEARTBEAT_PATH } from "../core/heartbeat-route.js";
import type { Reporter, WorkerSignal, WorkerStatus } from "../ports/reporter.js";
import { wireBody } from "./wire-status.js";
import { FINAL_WORKER_STATES } from "../ports/reporter.js";
import { createNoteInbox } from "./note-inbox.js";

export interface HttpsReporterOptions {
  appUrl: string;
  dispatchId: string;
  getIdToken: () => Promise<string>;
  log: (message: string) => void;
  fetchImpl?: typeof fetch;
  /** Delays between tries of one report, in ms (default 0.5 s, 2 s). */
  backoffMs?: readonly number[];
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}


/** Worker states after which a worker sends nothing more. */
/** A worker's last word (ports/reporter.ts): its report is sent until acknowledged. */
export const FINAL_STATES: ReadonlySet<string> = FINAL_WORKER_STATES;

/** acknowledged: the App answered 2xx; refused: it answered in a way a retry cannot change; unreachable: no answer that counts. */
export type Delivery = "acknowledged" | "refused" | "unreachable";

export interface HttpsReporter extends Reporter {
  lastError?: string;
  /** The App acknowledged at least one report of this job. */
  reached: boolean;
  /** The App acknowledged the last final report. */
  finalAcknowledged: boolean;
  /**
   * The `/weave tell` notes the App has sent and the worker has not taken, oldest first, one per line (undefined:
   * none); taken notes are acknowledged with every later report, and a note is given once however often it is sent.
   */
  takeNotes(): string | undefined;
  /** The App's latest word on the run's remaining budget (undefined: it has not said, or the run has no ceiling). */
  budgetWord(): BudgetWord | undefined;
  /** Sends `status` until the App acknowledges or refuses it, or `untilMs` (epoch ms) passes; the last delay repeats. */
  sendUntilAcknowledged(status: WorkerStatus, options: { untilMs: number; delaysMs: readonly number[] }): Promise<Delivery>;
}

/** What an HTTP status means for a report: GitHub's own retry rules, applied to the App. */
export function classifyAnswer(httpStatus: number): "ok" | "retry" | "refused" {
  if (httpStatus >= 200 && httpStatus < 300) return "ok";
  if (httpStatus === 401 || httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) return "retry";
  return "refused";
}

const Answer = z.object({
  signal: z.enum(["pause", "stop"]).nullish(),
  error: z.string().optional(),
  notes: z.array(z.object({ id: z.string().max(64), text: z.string().max(4000) })).max(200).optional(),
  budget_left_usd: z.number().finite().nonnegative().optional(),
}).loose();

/** What the App last said the run may still spend, and the cost this job had reported when it said so. */
export interface BudgetWord {
  leftUsd: number;
  atCostUsd: number;
}

/**
 * Progress reports go out in the background (the latest status wins while one is in flight), so a slow or absent
 * App never slows the agent; a final report is awaited, with retries. The answer is the App's latest signal.
 */
export function createHttpsReporter(options: HttpsReporterOptions): HttpsReporter {
  const fetchImpl = options.fetchImpl ?? fetch;
  const backoff = options.backoffMs ?? [500, 2000];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let token: { value: string; at: number } | undefined;
  let warned = false;
  let signal: WorkerSignal | undefined;
  let inFlight: Promise<void> | undefined;
  let pending: WorkerStatus | undefined;
  const notes = createNoteInbox();
  let budget: BudgetWord | undefined;

  /** One try: ok, retry or refused. */
  const attempt = async (status: WorkerStatus): Promise<"ok" | "retry" | "refused"> => {
    try {
      // OIDC tokens live ~5 minutes; refresh every 4.
      if (!token || Date.now() - token.at > 240_000) token = { value: await options.getIdToken(), at: Date.now() };
      const response = await fetchImpl(new URL(HEARTBEAT_PATH, options.appUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${token.value}`, "content-type": "application/json" },
        body: wireBody(options.dispatchId, status, notes.seen()),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (response.status === 401) token = undefined;
      const answer = Answer.safeParse(await response.json().catch(() => ({})));
      const verdict = classifyAnswer(response.status);
      if (verdict !== "ok") {
        const said = answer.success && answer.data.error ? `: ${answer.data.error.slice(0, 200)}` : "";
        reporter.lastError = `HTTP ${response.status}${said}`;
        return verdict;
      }
      reporter.reached = true;
      reporter.lastError = undefined;
      if (warned) options.log("weave: the App is reachable again");
      warned = false;
      if (answer.success && answer.data.signal) signal = answer.data.signal;
      if (answer.success) {
        notes.receive(answer.data.notes ?? []);
        if (answer.data.budget_left_usd !== undefined) budget = { leftUsd: answer.data.budget_left_usd, atCostUsd: status.costUsd };
      }
      return "ok";
    } catch (e) {
      reporter.lastError = (e as Error).message;
      return "retry";
    }
  };

  const deliver = async (status: WorkerStatus, retries: readonly number[]): Promise<Delivery> => {
    for (let i = 0; ; i++) {
      const verdict = await attempt(status);
      if (verdict === "ok") return "acknowledged";
      if (verdict === "refused") return refused();
      if (i >= retries.length) break;
      await sleep(retries[i]!);
    }
    if (!warned) options.log(`weave: cannot reach the App (${reporter.lastError}); the milestone keeps running and retries with each heartbeat`);
    warned = true;
    return "unreachable";
  };

  const refused = (): Delivery => {
    if (!warned) options.log(`weave: the App refused the report (${reporter.lastError}); the milestone keeps running`);
    warned = true;
    return "refused";
  };

  const reporter: HttpsReporter = {
    lastError: undefined,
    reached: false,
    finalAcknowledged: false,
    async report(status: WorkerStatus): Promise<WorkerSignal | undefined> {
      if (FINAL_STATES.has(status.state)) {
        pending = undefined;
        await inFlight;
        reporter.finalAcknowledged = (await deliver(status, backoff)) === "acknowledged";
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
    takeNotes: () => notes.take(),
    budgetWord: () => budget,
    async sendUntilAcknowledged(status, { untilMs, delaysMs }) {
      for (let i = 0; ; i++) {
        const verdict = await attempt(status);
        if (verdict === "ok") {
          if (FINAL_STATES.has(status.state)) reporter.finalAcknowledged = true;
          return "acknowledged";
        }
        if (verdict === "refused") return "refused";
        const delay = delaysMs[Math.min(i, delaysMs.length - 1)] ?? 1000;
        if (Date.now() + delay > untilMs) return "unreachable";
        await sleep(delay);
      }
    },
  };
  return reporter;
}
