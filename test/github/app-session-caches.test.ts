// The App's per-repository caches and queues (src/github/session/, handlers/delivery-log.ts): what each promises.
import { describe, expect, it } from "vitest";
import { createDeliveryLog } from "../../src/github/handlers/delivery-log.js";
import { ledgerGuardFor } from "../../src/github/ledger.js";
import { createSession } from "../../src/github/repo-session.js";
import { createPublishState } from "../../src/github/session/publish-state.js";
import { createRepoQueues } from "../../src/github/session/repo-queues.js";

describe("delivery log", () => {
  it.each([
    [["a", "b", "a"], [true, true, false]],
    [["a", "a", "a"], [true, false, false]],
    // Past the limit (2) the oldest id is forgotten, and seen again as new.
    [["a", "b", "c", "a"], [true, true, true, true]],
    [["a", "b", "c", "c"], [true, true, true, false]],
  ])("%j → %j", (ids, firsts) => {
    const log = createDeliveryLog(2);
    expect(ids.map((id) => log.firstTime(id))).toEqual(firsts);
  });
});

describe("repository queues", () => {
  it("runs tasks in order; a failure does not block the next; idle waits for tasks queued meanwhile", async () => {
    const queues = createRepoQueues();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = queues.serialise(async () => {
      await gate;
      order.push("reconcile 1");
      void queues.publishLater(async () => void order.push("publish (queued by reconcile 1)"));
    });
    const failing = queues.serialise(async () => {
      order.push("reconcile 2");
      throw new Error("boom");
    });
    const third = queues.serialise(async () => void order.push("reconcile 3"));
    // The publish chain does not wait for the reconcile queue.
    await queues.publishLater(async () => void order.push("publish 1"));
    expect(order).toEqual(["publish 1"]);
    const idle = queues.idle();
    release();
    await idle;
    await expect(failing).rejects.toThrow("boom");
    await Promise.all([first, third]);
    // idle() returned only once the publish queued by reconcile 1 (after idle() was called) had run too.
    expect(order).toHaveLength(5);
    expect(order[0]).toBe("publish 1");
    expect(order.filter((x) => x.startsWith("reconcile"))).toEqual(["reconcile 1", "reconcile 2", "reconcile 3"]);
    expect(queues.queued()).toBe(5);
  });
});

describe("publish state", () => {
  it("keeps at most one comment edit waiting, calls what it was made with, and can drop it", async () => {
    let edits = 0;
    let edited!: () => void;
    const done = new Promise<void>((r) => (edited = r));
    const state = createPublishState(() => {
      edits += 1;
      edited();
    });
    expect(state.cancelCommentEdit()).toBe(false);
    state.editCommentIn(60_000);
    expect(state.cancelCommentEdit()).toBe(true);
    expect(state.cancelCommentEdit()).toBe(false);
    state.editCommentIn(1);
    state.editCommentIn(1);
    await done;
    await new Promise((r) => setTimeout(r, 10));
    expect(edits).toBe(1);
    expect(state.cancelCommentEdit()).toBe(false);
  });
});

describe("repository session", () => {
  it("is made of empty named caches, each its own object", () => {
    const a = createSession("acme/widgets", 1, "/nonexistent", ledgerGuardFor({ webhookSecret: "s" }));
    const b = createSession("acme/gadgets", 1, "/nonexistent", ledgerGuardFor({ webhookSecret: "s" }));
    expect(a.plans.current).toBeUndefined();
    expect(a.ledgers.latest).toBeUndefined();
    expect(a.heartbeats.size + a.dispatchBook.pending.size + a.dispatchBook.lookups.size + a.inbox.pushed.size + a.inbox.closedPulls.size + a.inbox.completedRuns.size).toBe(0);
    expect(a.dispatchBook.runsAsked).toBe(false);
    expect(a.inbox.targetListed).toBe(false);
    expect(a.branchRules.rules.size + a.branchRules.queueTargets.size + a.published.checkRuns.size).toBe(0);
    a.heartbeats.set("M1", { status: { milestone: "M1", state: "running", tasksDone: 0, tasksTotal: 1, costUsd: 0, pid: 1 } as never, at: 0, runId: 1 });
    expect(b.heartbeats.size).toBe(0);
  });
});
