/**
 * Quirks: GitHub's eventual consistency and its refusals of a write, as options a test switches on (all off by default).
 * Responsibilities: `runListLagMs` (a run shows in the run list endpoints only that long after it was created — get by
 * id sees it at once), `dispatchRunDetails: false` (GHES: the dispatch answers 204 even with `return_run_details`),
 * `refReadLagMs` (a ref just created through REST reads 404 on `git/get-ref` and `repos/get-branch` for that long), and
 * `refuse` (an operation answers a given status and message for the requests its `when` picks, as GitHub does for a
 * body it will not take or a permission the App lost; the request changes nothing).
 * Not here: the routes that consult them (routes/actions.ts, routes/git.ts, routes/contents.ts; `refuse` in server.ts).
 */
import type { RepoRecord } from "./world.js";
import { HttpError } from "./world.js";

/** An operation (e.g. "issues/create-comment") refused with `status` and `message` for the requests `when` picks (all by default). */
export interface Refusal { operation: string; status: number; message: string; when?: (body: Record<string, unknown>) => boolean }

export interface QuirkOptions { runListLagMs?: number; dispatchRunDetails?: boolean; refReadLagMs?: number; refuse?: Refusal[] }

export class Quirks {
  readonly runListLagMs: number;
  readonly dispatchRunDetails: boolean;
  private readonly refReadLagMs: number;
  private readonly created = new Map<string, number>();
  private readonly refusals: readonly Refusal[];

  constructor(options: QuirkOptions, private readonly now: () => Date) {
    this.runListLagMs = options.runListLagMs ?? 0;
    this.dispatchRunDetails = options.dispatchRunDetails ?? true;
    this.refReadLagMs = options.refReadLagMs ?? 0;
    this.refusals = options.refuse ?? [];
  }

  /** The error GitHub answers this request with, when a `refuse` quirk picks it. */
  refusal(operation: string, body: Record<string, unknown>): HttpError | undefined {
    const r = this.refusals.find((x) => x.operation === operation && (x.when?.(body) ?? true));
    return r ? new HttpError(r.status, r.message) : undefined;
  }

  /** A run created at `createdAt` is in the list endpoints yet. */
  listed(createdAt: Date): boolean {
    return this.now().getTime() - createdAt.getTime() >= this.runListLagMs;
  }

  refCreated(repo: RepoRecord, ref: string): void {
    if (this.refReadLagMs > 0) this.created.set(`${repo.id}:${ref}`, this.now().getTime());
  }

  /** The ref was created so recently that reads still answer 404. */
  refHidden(repo: RepoRecord, ref: string): boolean {
    const at = this.created.get(`${repo.id}:${ref}`);
    return at !== undefined && this.now().getTime() - at < this.refReadLagMs;
  }
}
