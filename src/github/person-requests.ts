/**
 * Person requests outside comments: a check-run button (`retry`, `merge`) and an approving review in
 * `merge.auto: confirm` mode, as changes to the ledger.
 * Responsibilities: what each request changes in a milestone's record, the same for the App server
 * (github/weave-app.ts) and the coordinator run inside Actions (actions-home/coordinate.ts).
 * Not here: who may ask (the caller checks write permission first), writing the ledger (comment-commands.ts
 * updateLedger), comment commands (github/comment-commands.ts).
 * Invariants: pure mutations of the given ledger; a request that does not fit the milestone's state changes nothing.
 */
import type { Ledger } from "./ledger.js";
import { moveRecord } from "./mutate-record.js";

/** A check-run button: `retry` a failed or stopped milestone, `merge` a finished one (or one left merging or in conflict). */
export function applyButton(ledger: Ledger, id: string, identifier: string, login: string): void {
  const r = ledger.milestones[id];
  if (!r) return;
  if (identifier === "retry" && (r.state === "failed" || r.state === "stopped")) {
    moveRecord(id, r, "eligible", `retried by @${login}`);
    r.requeues = 0;
    r.signal = undefined;
  }
  if (identifier === "merge" && (r.state === "finished" || r.state === "conflict" || r.state === "merging")) {
    if (r.state === "merging") moveRecord(id, r, "finished", `merge asked again by @${login}`);
    r.mergeRequested = true;
    r.mergeBlocked = false;
  }
}

/** An approving review of milestone PR `pull` from someone who may merge: the confirmation `merge.auto: confirm` waits for. */
export function applyApproval(ledger: Ledger, pull: number): void {
  const entry = Object.entries(ledger.milestones).find(([, r]) => r.pr === pull);
  if (entry && ["finished", "conflict"].includes(entry[1].state)) {
    entry[1].mergeRequested = true;
    entry[1].mergeBlocked = false;
  }
}
