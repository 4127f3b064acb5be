/**
 * Merge automation: what GitHub does on its own after an event — auto-merge (merge a pull request once its base's
 * requirements pass, or queue it when the base has a merge queue), the merge queue moving on, stale approvals
 * dismissed on push. Responsibilities: GitHub's refusals for enabling auto-merge and enqueueing (HttpError 422, read as
 * GraphQL UNPROCESSABLE), the triggers (check run completed, review submitted, head moved, enabled, enqueued) and one
 * serial background chain that `settled()` waits for. Not here: the merge commit (pull-merge.ts), the queue (merge-queue.ts).
 */
import { MergeQueue } from "./merge-queue.js";
import { blocking, mergeState, methodRefusal, requirements } from "./merge-requirements.js";
import { BaseModified, defaultMessage, mergePull } from "./pull-merge.js";
import type { Services } from "./route-types.js";
import { HttpError } from "./world.js";
import type { AccessLevel, PullRecord, QueueEntryRecord, RepoRecord, ReviewRecord, UserRecord } from "./world.js";

export interface AutoMergeInput {
  method: "merge" | "squash" | "rebase"; headline?: string | undefined; body?: string | undefined; expectedHeadOid?: string | undefined;
  /** The App credential's permissions (undefined for people). */
  permissions?: Record<string, AccessLevel> | undefined;
}

const unprocessable = (message: string): HttpError => new HttpError(422, message);

export class MergeAutomation {
  readonly queue: MergeQueue;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly services: Services, private readonly report: (message: string) => void,
    private readonly reviewDismissed: (repo: RepoRecord, pull: PullRecord, review: ReviewRecord, sender: UserRecord) => Promise<void>) {
    this.queue = new MergeQueue(services);
  }

  async enableAutoMerge(repo: RepoRecord, pull: PullRecord, actor: UserRecord, input: AutoMergeInput): Promise<void> {
    if (!repo.allowAutoMerge) throw unprocessable("Auto merge is not allowed for this repository");
    if (pull.state !== "open") throw unprocessable("Pull request is closed");
    if (input.expectedHeadOid !== undefined && input.expectedHeadOid !== pull.headSha) throw unprocessable("Head branch was modified. Review and try the merge again.");
    if (input.method === "rebase") throw new HttpError(501, "mergeMethod REBASE is not modelled by the stand-in");
    if (pull.autoMerge != null) throw unprocessable("Pull request is already in auto-merge state");
    await this.services.events.computeNow(repo, pull);
    const state = mergeState(this.services.world, this.services.rules, repo, pull);
    if (state !== "blocked" && state !== "behind") throw unprocessable(`Pull request Pull request is in ${state} status`);
    const refusal = methodRefusal(this.services.rules, repo, pull, input.method);
    if (refusal !== undefined) throw unprocessable(refusal);
    const base = (await repo.git.readRef(`refs/heads/${pull.base}`)) ?? "";
    const fallback = await defaultMessage(repo, pull, base, input.method);
    pull.autoMerge = { enabledBy: actor, method: input.method, commitHeadline: input.headline ?? fallback.title, commitBody: input.body ?? fallback.detail, enabledAt: this.services.world.now(), permissions: input.permissions };
    await this.services.events.emitPull(repo, pull, "auto_merge_enabled", actor);
    this.schedule(() => this.evaluate(repo, pull));
  }

  async enqueue(repo: RepoRecord, pull: PullRecord, actor: UserRecord, input: { expectedHeadOid?: string | undefined; jump?: boolean | undefined }): Promise<QueueEntryRecord> {
    if (pull.state !== "open") throw unprocessable("Pull request is closed");
    if (input.expectedHeadOid !== undefined && input.expectedHeadOid !== pull.headSha) throw unprocessable("Head branch was modified. Review and try the merge again.");
    if (this.services.rules.rule(repo, pull.base, "merge_queue") === undefined) throw unprocessable("Merge queue is not enabled for this branch");
    await this.services.events.computeNow(repo, pull);
    if (pull.draft) throw unprocessable("Pull request Pull request is in draft status");
    if (pull.mergeable !== true) throw unprocessable("Pull request Pull request is in dirty status");
    // GitHub admits a pull request to the queue only once its reviews and required checks pass on its head.
    const [reason] = blocking(requirements(this.services.world, this.services.rules, repo, pull));
    if (reason !== undefined) throw unprocessable(`Pull request ${reason}`);
    const entry = await this.queue.enqueue(repo, pull, actor, input.jump === true);
    this.schedule(() => this.queue.advance(repo, pull.base));
    return entry;
  }

  /** A check run completed on `sha`: auto-merge pull requests with that head, and merge groups with that commit, look again. */
  checkCompleted(repo: RepoRecord, sha: string): void {
    for (const pull of repo.pulls.values()) {
      if (pull.state === "open" && pull.headSha === sha && pull.autoMerge != null) this.schedule(() => this.evaluate(repo, pull));
      if (pull.queueEntry?.group?.sha === sha) this.schedule(() => this.queue.advance(repo, pull.base));
    }
  }

  reviewSubmitted(repo: RepoRecord, pull: PullRecord): void {
    if (pull.autoMerge != null) this.schedule(() => this.evaluate(repo, pull));
  }

  /** The head of `pull` moved (push, REST or seeding): stale approvals go, the queue lets go of it, auto-merge looks again. */
  async headMoved(repo: RepoRecord, pull: PullRecord, pusher: UserRecord): Promise<void> {
    if (this.services.rules.rule(repo, pull.base, "pull_request")?.parameters?.dismiss_stale_reviews_on_push === true) {
      for (const review of pull.reviews.filter((r) => r.state === "APPROVED")) {
        review.state = "DISMISSED";
        await this.reviewDismissed(repo, pull, review, pusher);
      }
    }
    if (pull.queueEntry != null) await this.queue.dequeue(repo, pull, "UNKNOWN_REMOVAL_REASON", pusher);
    if (pull.autoMerge != null && !["write", "maintain", "admin"].includes(this.services.world.permissionOf(repo, pusher.login)) && pusher.type !== "Bot") {
      pull.autoMerge = null;
      await this.services.events.emitPull(repo, pull, "auto_merge_disabled", pusher, { reason: "Auto-merge was disabled because someone without write access pushed to the head branch" });
    }
    if (pull.autoMerge != null) this.schedule(() => this.evaluate(repo, pull));
  }

  /** Resolves once no background merge work is pending. */
  async settled(): Promise<void> {
    let seen: Promise<void>;
    do { seen = this.chain; await seen; } while (seen !== this.chain);
  }

  /** Runs `work` on the background chain (GitHub's asynchronous work, e.g. update-branch after its 202). */
  later(work: () => Promise<void>): void { this.schedule(work); }

  private schedule(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((error: unknown) => this.report(`merge automation failed: ${String((error as Error).stack ?? error)}`));
  }

  private async evaluate(repo: RepoRecord, pull: PullRecord): Promise<void> {
    const auto = pull.autoMerge;
    if (auto == null || auto.method === "rebase" || pull.state !== "open" || pull.queueEntry != null) return;
    await this.services.events.computeNow(repo, pull);
    if (pull.draft || pull.mergeable !== true) return;
    const needs = requirements(this.services.world, this.services.rules, repo, pull);
    if (blocking(needs).length > 0) return;
    if (needs.queue) {
      await this.queue.enqueue(repo, pull, auto.enabledBy, false);
      await this.queue.advance(repo, pull.base);
      return;
    }
    try {
      const token = auto.permissions === undefined ? undefined : { kind: "installation" as const, permissions: auto.permissions };
      await mergePull(this.services, repo, pull, { method: auto.method, actor: auto.enabledBy, when: this.services.world.now(), title: auto.commitHeadline, message: auto.commitBody, token });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error instanceof BaseModified) this.schedule(() => this.evaluate(repo, pull)); // the base moved under it: look again
    }
  }
}
