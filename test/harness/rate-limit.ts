/**
 * Rate limits: requests counted per credential, GitHub's x-ratelimit-* headers, and injected limit answers.
 * Responsibilities: budgets (installation 5,000/h, GITHUB_TOKEN 1,000/h, anonymous 60/h, configurable), primary
 * limit answers (403, x-ratelimit-remaining: 0) when a budget is spent or injected, secondary answers (403 + retry-after).
 * Not here: which credential a request carries (auth.ts). Invariant: an injected fault is used up by exactly `times` requests.
 */
import { HttpError } from "./world.js";

export type LimitKind = "primary" | "secondary";
export interface LimitFault { kind: LimitKind; times: number; operationId?: string; retryAfterSeconds: number }
export interface RateBudgets { installation: number; actions: number; user: number; anonymous: number }

export class RateLimiter {
  private readonly used = new Map<string, number>();
  private readonly faults: LimitFault[] = [];
  readonly budgets: RateBudgets;

  constructor(private readonly now: () => Date, budgets: Partial<RateBudgets> = {}) {
    this.budgets = { installation: 5000, actions: 1000, user: 5000, anonymous: 60, ...budgets };
  }

  /** The next `times` requests (optionally of one operation) get this limit answer. */
  inject(fault: { kind: LimitKind; times?: number; operationId?: string; retryAfterSeconds?: number }): void {
    this.faults.push({ kind: fault.kind, times: fault.times ?? 1, retryAfterSeconds: fault.retryAfterSeconds ?? 60, ...(fault.operationId === undefined ? {} : { operationId: fault.operationId }) });
  }

  /** Requests counted against a credential key ("installation:12", "actions:run-5", "user:alice", "anonymous"). */
  usedBy(key: string): number { return this.used.get(key) ?? 0; }

  /** Counts one request; throws GitHub's limit answer when the budget is spent or a fault applies. */
  take(key: string, budgetKind: keyof RateBudgets, operationId: string): Record<string, string> {
    const limit = this.budgets[budgetKind];
    const reset = String(Math.ceil(this.now().getTime() / 3600_000) * 3600);
    const used = this.usedBy(key) + 1;
    this.used.set(key, used);
    const headers = { "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": String(Math.max(0, limit - used)), "x-ratelimit-used": String(used), "x-ratelimit-reset": reset, "x-ratelimit-resource": "core" };
    const fault = this.faults.find((f) => f.times > 0 && (f.operationId === undefined || f.operationId === operationId));
    if (fault !== undefined) {
      fault.times -= 1;
      if (fault.kind === "secondary") {
        throw new HttpError(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
          { documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" }, { ...headers, "retry-after": String(fault.retryAfterSeconds) });
      }
      throw primary({ ...headers, "x-ratelimit-remaining": "0" });
    }
    if (used > limit) throw primary({ ...headers, "x-ratelimit-remaining": "0" });
    return headers;
  }
}

function primary(headers: Record<string, string>): HttpError {
  return new HttpError(403, "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.",
    { documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits" }, headers);
}
