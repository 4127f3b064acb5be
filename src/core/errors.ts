/**
 * Errors: the one error family every face of weave throws and renders.
 * Responsibilities: the closed set of error codes, `WeaveError` (message + hint + location + problems), and typed guards.
 * Not here: rendering to text/markdown (core/render/error-render.ts); translating outside errors (each adapter, at its edge).
 * Invariants: code branches on `code`, never on message text; a WeaveError's message is fit to show a user as is.
 */

export type ErrorCode =
  | "usage"
  | "plan-not-found"
  | "plan-invalid"
  | "unknown-milestone"
  | "budget-exceeded"
  | "merge-conflict"
  | "merge-blocked"
  | "not-authorized"
  | "workflows-permission"
  | "rate-limited"
  | "ref-missing"
  | "head-moved"
  | "base-modified"
  | "head-behind"
  | "not-mergeable-yet"
  /** GitHub will not arm auto-merge (or queue-when-ready) because the PR can merge right now: merge it instead. */
  | "mergeable-now"
  | "merge-queue-required"
  | "merge-refused"
  | "git-failed"
  | "dirty-checkout"
  | "not-ignored"
  | "already-running"
  | "worktree-conflict"
  | "wrong-checkout"
  | "nested-run"
  | "io-failed"
  /** A persisted file or received message does not match its contract (core/contracts/). */
  | "contract-invalid"
  /** A persisted file or received message was written by a newer weave than this one. */
  | "contract-newer"
  | "worker-failed"
  /** Control refusals (core/control.ts): no run yet, a state the command does not apply to, a failed verify, a skip behind a failure. */
  | "no-run"
  | "not-applicable"
  | "verify-failed"
  | "skipped-by-failure"
  | "ledger-unsupported"
  | "internal";

/** A place in a file users wrote (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem among possibly many (a plan reports every problem at once). */
export interface Problem {
  message: string;
  hint?: string;
  location?: SourceLocation;
}

export interface WeaveErrorOptions {
  hint?: string;
  location?: SourceLocation;
  problems?: Problem[];
  cause?: unknown;
}

export class WeaveError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, options: WeaveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WeaveError";
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.problems = options.problems ?? [];
  }
}

export function isWeaveError(value: unknown, code?: ErrorCode): value is WeaveError {
  return value instanceof WeaveError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into a WeaveError, keeping the original as `cause`. */
export function toWeaveError(value: unknown, fallback: ErrorCode = "internal"): WeaveError {
  if (value instanceof WeaveError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new WeaveError(fallback, message, { cause: value });
}
