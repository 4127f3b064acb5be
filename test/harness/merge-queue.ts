/**
 * Merge queue: pull requests queued for a base whose rules require one. The head of the queue gets a merge group —
 * the merge (or squash) commit onto the base, on a `gh-readonly-queue/<base>/pr-<n>-<head sha>` branch, announced with
 * `merge_group.checks_requested` — and the base fast-forwards to it once the required checks pass on that commit.
 * Responsibilities: `pull_request` enqueued/dequeued, `merge_group` checks_requested/destroyed, `push` for the group
 * branch and the base, `pull_request` closed (merged). Not here: when to look again (merge-automation.ts).
 * Simplifications: one entry is built at a time (max_entries_to_build 1) and each group holds one pull request.
 */
import { ZERO_SHA } from "./git-backend.js";
import { composeMerge, finishMerge } from "./pull-merge.js";
import { verdicts } from "./required-checks.js";
import type { Services } from "./route-types.js";
import { iso } from "./world.js";
import type { PullRecord, QueueEntryRecord, RepoRecord, UserRecord } from "./world.js";

export type DequeueReason = "MERGE" | "MERGE_CONFLICT" | "CI_FAILURE" | "MANUAL" | "UNKNOWN_REMOVAL_REASON";

export class MergeQueue {
  constructor(private readonly services: Services) {}

  /** Queued pull requests for `base`, in queue order (jumps first). */
  entries(repo: RepoRecord, base: string): PullRecord[] {
    const queued = [...repo.pulls.values()].filter((p) => p.queueEntry != null && p.base === base);
    return queued.sort((a, b) => Number(b.queueEntry?.jump) - Number(a.queueEntry?.jump) || (a.queueEntry?.id ?? 0) - (b.queueEntry?.id ?? 0));
  }

  async enqueue(repo: RepoRecord, pull: PullRecord, actor: UserRecord, jump: boolean): Promise<QueueEntryRecord> {
    if (pull.queueEntry != null) return pull.queueEntry;
    const entry: QueueEntryRecord = { id: this.services.world.id(), enqueuedBy: actor, enqueuedAt: this.services.world.now(), jump, group: null };
    pull.queueEntry = entry;
    await this.services.events.emitPull(repo, pull, "enqueued", actor);
    return entry;
  }

  /** Takes `pull` out of the queue (destroying its merge group) with GitHub's reason. */
  async dequeue(repo: RepoRecord, pull: PullRecord, reason: DequeueReason, sender: UserRecord): Promise<void> {
    const entry = pull.queueEntry;
    if (entry == null) return;
    if (entry.group !== null) await this.destroyGroup(repo, pull, entry, reason === "MERGE" ? "merged" : "dequeued", sender);
    pull.queueEntry = null;
    await this.services.events.emitPull(repo, pull, "dequeued", sender, { reason });
  }

  /** Moves the queue for `base` on: builds the head entry's group, merges it when its checks pass, drops it when one fails. */
  async advance(repo: RepoRecord, base: string): Promise<void> {
    for (let guard = 0; guard < 100; guard++) {
      const [first] = this.entries(repo, base);
      const entry = first?.queueEntry;
      if (first === undefined || entry == null) return;
      if (first.state !== "open") { await this.dequeue(repo, first, "UNKNOWN_REMOVAL_REASON", entry.enqueuedBy); continue; }
      if (entry.group === null) {
        if (!(await this.build(repo, first, entry))) await this.dequeue(repo, first, "MERGE_CONFLICT", entry.enqueuedBy);
        continue;
      }
      const rule = this.services.rules.rule(repo, base, "required_status_checks");
      const states = rule === undefined ? [] : verdicts(repo, entry.group.sha, rule).map((v) => v.state);
      if (states.includes("failed")) { await this.dequeue(repo, first, "CI_FAILURE", entry.enqueuedBy); continue; }
      if (states.includes("expected")) return;
      const group = entry.group;
      if (!(await finishMerge(this.services, repo, first, group.baseSha, group.sha, entry.enqueuedBy))) {
        await this.destroyGroup(repo, first, entry, "invalidated", entry.enqueuedBy);
        continue;
      }
      await this.dequeue(repo, first, "MERGE", entry.enqueuedBy);
    }
  }

  private async build(repo: RepoRecord, pull: PullRecord, entry: QueueEntryRecord): Promise<boolean> {
    const baseSha = await repo.git.readRef(`refs/heads/${pull.base}`);
    if (baseSha === undefined) return false;
    const method = this.services.rules.rule(repo, pull.base, "merge_queue")?.parameters?.merge_method === "SQUASH" ? "squash" : "merge";
    const sha = await composeMerge(repo, pull, baseSha, { method, actor: entry.enqueuedBy, when: this.services.world.now() });
    if (sha === undefined) return false;
    const ref = `refs/heads/gh-readonly-queue/${pull.base}/pr-${pull.number}-${pull.headSha}`;
    if (!(await repo.git.casRef(ref, sha, ZERO_SHA))) return false;
    entry.group = { ref, sha, baseSha };
    await this.services.events.refsChanged(repo, [{ ref, before: ZERO_SHA, after: sha }], entry.enqueuedBy);
    await this.emitGroup(repo, pull, group(entry), "checks_requested", entry.enqueuedBy, {});
    return true;
  }

  private async destroyGroup(repo: RepoRecord, pull: PullRecord, entry: QueueEntryRecord, reason: "merged" | "invalidated" | "dequeued", sender: UserRecord): Promise<void> {
    const built = entry.group;
    if (built === null) return;
    await this.emitGroup(repo, pull, built, "destroyed", sender, { reason });
    entry.group = null;
    if (await repo.git.deleteRef(built.ref, built.sha)) await this.services.events.refsChanged(repo, [{ ref: built.ref, before: built.sha, after: ZERO_SHA }], sender);
  }

  private async emitGroup(repo: RepoRecord, pull: PullRecord, built: Group, action: string, sender: UserRecord, extra: Record<string, unknown>): Promise<void> {
    if (!this.services.webhooks.hasSubscribers("merge_group", repo)) return;
    const commit = await repo.git.readCommit(built.sha);
    const person = (p: typeof commit.author): Record<string, unknown> => ({ name: p.name, email: p.email });
    const mergeGroup = {
      head_sha: built.sha, head_ref: built.ref, base_sha: built.baseSha, base_ref: `refs/heads/${pull.base}`,
      head_commit: { id: built.sha, tree_id: commit.tree, message: commit.message.replace(/\n$/, ""), timestamp: iso(commit.committer.date ?? new Date(0)), author: person(commit.author), committer: person(commit.committer) },
    };
    const payload = this.services.payloads.base("merge_group", action, repo, sender, { merge_group: mergeGroup, ...extra });
    this.services.webhooks.emit("merge_group", action, () => payload, { repo });
  }
}

type Group = NonNullable<QueueEntryRecord["group"]>;

function group(entry: QueueEntryRecord): Group {
  if (entry.group === null) throw new Error("merge group not built");
  return entry.group;
}
