/**
 * Repository events: what GitHub does after refs move, however they moved (REST, merge, or a real `git push`).
 * Responsibilities: `push` webhooks, pull requests following their head (`synchronize`) or closing when it is
 * deleted, and `mergeable` going back to null until it is computed again with a real `git merge-tree`.
 * Not here: the ref writes themselves (git-backend.ts, routes/git.ts, git-http.ts).
 * Invariants: mergeable is computed for one (base sha, head sha) pair and recomputed whenever either moves.
 */
import { ZERO_SHA } from "./git-backend.js";
import type { Shapes } from "./shapes.js";
import type { WebhookPayloads } from "./webhook-payloads.js";
import type { WebhookBus } from "./webhooks.js";
import { iso, noreplyEmail } from "./world.js";
import type { PullRecord, RepoRecord, UserRecord, World } from "./world.js";

export interface RefChange { ref: string; before: string; after: string }

export class RepoEvents {
  private readonly computing = new Map<number, Promise<void>>();
  /** Told after an open pull request's head moved (merge-automation.ts: stale reviews, queue, auto-merge). */
  onHeadMoved: ((repo: RepoRecord, pull: PullRecord, pusher: UserRecord) => Promise<void>) | undefined;

  constructor(private readonly world: World, private readonly shapes: Shapes, private readonly payloads: WebhookPayloads, private readonly bus: WebhookBus) {}

  async refsChanged(repo: RepoRecord, changes: RefChange[], pusher: UserRecord, forced = false): Promise<void> {
    for (const change of changes) {
      await this.push(repo, change, pusher, forced);
      if (!change.ref.startsWith("refs/heads/")) continue;
      const branch = change.ref.slice("refs/heads/".length);
      for (const pull of repo.pulls.values()) {
        if (pull.state !== "open") continue;
        if (pull.head === branch) {
          if (change.after === ZERO_SHA) { await this.closePull(repo, pull, pusher); continue; }
          pull.headSha = change.after;
          pull.updatedAt = this.world.now();
          this.invalidate(pull);
          await this.emitPull(repo, pull, "synchronize", pusher, { before: change.before, after: change.after });
          await this.onHeadMoved?.(repo, pull, pusher);
        } else if (pull.base === branch) {
          this.invalidate(pull);
        }
      }
    }
  }

  async emitPull(repo: RepoRecord, pull: PullRecord, action: string, sender: UserRecord, extra: Record<string, unknown> = {}): Promise<void> {
    if (!this.bus.hasSubscribers("pull_request", repo)) return;
    const body = await this.shapes.pull(repo, pull);
    const payload = this.payloads.base("pull_request", action, repo, sender, { number: pull.number, pull_request: body, ...extra });
    this.bus.emit("pull_request", action, () => payload, { repo });
  }

  /** The pull's mergeable flag as GitHub shows it: null on the first look after a change (which starts the
   * background computation), the computed value on later looks. */
  async observeMergeable(repo: RepoRecord, pull: PullRecord): Promise<{ mergeable: boolean | null; state: string }> {
    const shown = (): { mergeable: boolean | null; state: string } => ({ mergeable: pull.mergeable, state: pull.mergeableState });
    if (pull.state !== "open") return shown();
    const key = await this.mergeKey(repo, pull);
    if (pull.mergeableFor === key && pull.mergeable !== null) return shown();
    const pending = this.computing.get(pull.id);
    if (pending !== undefined) { await pending; this.computing.delete(pull.id); return shown(); }
    pull.mergeable = null;
    pull.mergeableState = "unknown";
    this.computing.set(pull.id, this.compute(repo, pull));
    return { mergeable: null, state: "unknown" };
  }

  /** Computes mergeable now (the merge endpoint does not wait for the background job). */
  async computeNow(repo: RepoRecord, pull: PullRecord): Promise<void> {
    await this.compute(repo, pull);
    this.computing.delete(pull.id);
  }

  private async compute(repo: RepoRecord, pull: PullRecord): Promise<void> {
    const baseSha = await repo.git.readRef(`refs/heads/${pull.base}`);
    if (baseSha === undefined) { pull.mergeable = false; pull.mergeableState = "dirty"; return; }
    const result = await repo.git.mergeTree(baseSha, pull.headSha);
    pull.mergeable = result.clean;
    pull.behind = !(await repo.git.isAncestor(baseSha, pull.headSha));
    pull.mergeableState = result.clean ? "clean" : "dirty";
    pull.mergeableFor = `${baseSha}:${pull.headSha}`;
  }

  private invalidate(pull: PullRecord): void {
    pull.mergeable = null;
    pull.mergeableState = "unknown";
    pull.mergeableFor = "";
    this.computing.delete(pull.id);
  }

  private async mergeKey(repo: RepoRecord, pull: PullRecord): Promise<string> {
    return `${(await repo.git.readRef(`refs/heads/${pull.base}`)) ?? ""}:${pull.headSha}`;
  }

  private async closePull(repo: RepoRecord, pull: PullRecord, sender: UserRecord): Promise<void> {
    pull.state = "closed";
    pull.closedAt = this.world.now();
    pull.updatedAt = pull.closedAt;
    await this.emitPull(repo, pull, "closed", sender);
  }

  private async push(repo: RepoRecord, change: RefChange, pusher: UserRecord, forced: boolean): Promise<void> {
    if (!this.bus.hasSubscribers("push", repo)) return;
    const created = change.before === ZERO_SHA;
    const deleted = change.after === ZERO_SHA;
    const shas = deleted ? [] : created ? [change.after] : await repo.git.commitsBetween(change.before, change.after).catch(() => [change.after]);
    const commits = await Promise.all(shas.slice(-20).map((sha) => this.pushCommit(repo, sha)));
    const head = commits[commits.length - 1] ?? (deleted ? null : await this.pushCommit(repo, change.after));
    const payload = this.payloads.base("push", undefined, repo, pusher, {
      ref: change.ref, before: change.before, after: change.after, created, deleted, forced, base_ref: null,
      compare: `${this.shapes.server}/${repo.fullName}/compare/${change.before.slice(0, 12)}...${change.after.slice(0, 12)}`,
      commits, head_commit: head, pusher: { name: pusher.login, email: noreplyEmail(pusher) },
    });
    delete payload.action;
    this.bus.emit("push", undefined, () => payload, { repo });
  }

  private async pushCommit(repo: RepoRecord, sha: string): Promise<Record<string, unknown>> {
    const c = await repo.git.readCommit(sha);
    const files = await this.shapes.files(repo, c.parents[0], sha);
    const person = (p: typeof c.author): Record<string, unknown> => ({ name: p.name, email: p.email, date: iso(p.date ?? new Date(0)) });
    return {
      id: sha, tree_id: c.tree, distinct: true, message: c.message.replace(/\n$/, ""), timestamp: iso(c.committer.date ?? new Date(0)),
      url: `${this.shapes.server}/${repo.fullName}/commit/${sha}`, author: person(c.author), committer: person(c.committer),
      added: files.filter((f) => f.status === "added").map((f) => f.filename), removed: files.filter((f) => f.status === "removed").map((f) => f.filename),
      modified: files.filter((f) => f.status !== "added" && f.status !== "removed").map((f) => f.filename),
    };
  }
}
