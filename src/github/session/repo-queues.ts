/**
 * The repository's queues: reconciles (and commands) one after another, and beside them the writes that only show
 * state (check-run updates, status-comment edits), one after another on their own chain.
 * Responsibilities: `serialise` and `publishLater`; `idle` for tests and benchmarks.
 * Not here: what the tasks do.
 * Invariants: a task runs after every task queued before it on the same queue; a failure does not block the next;
 * a write waiting for the write throttle on the publish chain never holds up the next reconcile.
 */
export interface RepoQueues {
  /** Runs `task` after every reconcile-queue task before it. */
  serialise(task: () => Promise<void>): Promise<void>;
  /** Runs `task` after every publishing task before it, beside the reconcile queue. */
  publishLater(task: () => Promise<void>): Promise<void>;
  /** Resolves when both queues are empty, including tasks queued while waiting. */
  idle(): Promise<void>;
  /** How many tasks were ever queued here (a caller waiting on several repositories sees whether more came). */
  queued(): number;
}

export function createRepoQueues(): RepoQueues {
  let queue: Promise<void> = Promise.resolve();
  let publishing: Promise<void> = Promise.resolve();
  let count = 0;
  return {
    serialise(task) {
      count += 1;
      const next = queue.then(task, task);
      queue = next.catch(() => undefined);
      return next;
    },
    publishLater(task) {
      count += 1;
      const next = publishing.then(task, task);
      publishing = next.catch(() => undefined);
      return next;
    },
    async idle() {
      for (;;) {
        const [q, p] = [queue, publishing];
        await Promise.all([q, p]);
        if (q === queue && p === publishing) return;
      }
    },
    queued: () => count,
  };
}
