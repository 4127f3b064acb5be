/**
 * Publish state: what the App last showed on GitHub — each milestone's check run, the status comment — and when, so
 * unchanged state is not sent again and status-comment edits are spaced.
 * Responsibilities: the check-run status each milestone last got, when its check run last changed (the heartbeat
 * progress throttle), the status comment's last text and edit time, and the one timer of an edit that waits.
 * Not here: rendering (github/check-runs.ts, github/status-comment.ts); sending (github/reconcile-repo.ts).
 * Invariants: at most one comment edit waits at a time; when its time comes it calls the `editComment` given when the
 * state was made (no callback slot to fill later); the timer never keeps the process alive.
 */
export interface PublishState {
  /** Last `status/conclusion` sent to each milestone's check run. */
  readonly checkRuns: Map<string, string>;
  /** When each milestone's check run last changed (ms since the epoch). */
  readonly checkRunUpdatedAt: Map<string, number>;
  /** The status comment's last text, without its clock. */
  comment?: string;
  commentEditedAt?: number;
  /** Edits the status comment in `ms`, unless an edit already waits. */
  editCommentIn(ms: number): void;
  /** Drops the waiting edit; true when there was one. */
  cancelCommentEdit(): boolean;
}

export function createPublishState(editComment: () => void): PublishState {
  let timer: NodeJS.Timeout | undefined;
  return {
    checkRuns: new Map(),
    checkRunUpdatedAt: new Map(),
    editCommentIn(ms) {
      timer ??= setTimeout(() => {
        timer = undefined;
        editComment();
      }, ms).unref();
    },
    cancelCommentEdit() {
      if (!timer) return false;
      clearTimeout(timer);
      timer = undefined;
      return true;
    },
  };
}
