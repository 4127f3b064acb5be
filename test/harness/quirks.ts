/**
 * Quirks: GitHub's eventual consistency, as options a test switches on (all off by default).
 * Responsibilities: `runListLagMs` (a run shows in the run list endpoints only that long after it was created — get by
 * id sees it at once), `dispatchRunDetails: false` (GHES: the dispatch answers 204 even with `return_run_details`), and
 * `refReadLagMs` (a ref just created through REST reads 404 on `git/get-ref` and `repos/get-branch` for that long).
 * Not here: the routes that consult them (routes/actions.ts, routes/git.ts, routes/contents.ts).
 */
import type { RepoRecord } from "./world.js";

export interface QuirkOptions { runListLagMs?: number; dispatchRunDetails?: boolean; refReadLagMs?: number }

export class Quirks {
  readonly runListLagMs: number;
  readonly dispatchRunDetails: boolean;
  private readonly refReadLagMs: number;
  private readonly created = new Map<string, number>();

  constructor(options: QuirkOptions, private readonly now: () => Date) {
    this.runListLagMs = options.runListLagMs ?? 0;
    this.dispatchRunDetails = options.dispatchRunDetails ?? true;
    this.refReadLagMs = options.refReadLagMs ?? 0;
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
