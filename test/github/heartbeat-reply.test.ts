// What a heartbeat reply carries besides the signal: the `/weave tell` notes the job has not taken, and what the run
// may still spend; and how the Action turns that into "left apart from the task in flight".
import { describe, expect, it } from "vitest";
import { budgetFromWord } from "../../src/action/run-milestone.js";
import { runBudgetLeft } from "../../src/github/budget-reach.js";
import { heartbeatReply } from "../../src/github/heartbeat-endpoint.js";
import type { Ledger, LedgerMilestone } from "../../src/github/ledger.js";
import { dropTakenNotes } from "../../src/github/run-watch.js";

const record = (over: Partial<LedgerMilestone> = {}): LedgerMilestone => ({ state: "running", attempts: 1, requeues: 0, tasks: 2, tasksDone: 0, costUsd: 0, ...over });
const notes = [{ id: "n1", text: "one", by: "alice", at: "t" }, { id: "n2", text: "two", by: "bob", at: "t" }];

describe("heartbeatReply", () => {
  it.each([
    ["no notes", record(), undefined, []],
    ["every note not seen", record({ notes }), undefined, [{ id: "n1", text: "one" }, { id: "n2", text: "two" }]],
    ["without those the job took", record({ notes }), ["n1"], [{ id: "n2", text: "two" }]],
    ["none when all were taken", record({ notes }), ["n2", "n1"], []],
  ] as const)("%s", (_name, r, seen, expected) => {
    expect(heartbeatReply(r, undefined, seen, undefined)).toEqual({ signal: null, notes: expected });
  });
  it("carries the signal and the budget left, rounded", () => {
    expect(heartbeatReply(record(), "stop", undefined, 0.123456)).toEqual({ signal: "stop", notes: [], budget_left_usd: 0.1235 });
  });
});

describe("runBudgetLeft", () => {
  const ledger = (over: Partial<Ledger> = {}): Ledger => ({
    version: 1, run: { id: "r", trackingIssue: 1, startedBy: "a", startedAt: "t", target: "main", budgetStopped: false },
    milestones: { a: record({ costUsd: 0.1, runId: 7 }), b: record({ costUsd: 0.2, runId: 8, costUnknown: true }) }, ...over,
  });
  const beats = new Map([["a", { status: { costUsd: 0.25 }, runId: 7 }], ["b", { status: { costUsd: 0.5 }, runId: 99 }]]);
  it.each([
    ["no ceiling", ledger(), new Map(), undefined, undefined],
    ["ceiling minus recorded spend", ledger(), new Map(), 1, 0.7],
    ["a live heartbeat of the record's run counts; another run's does not", ledger(), beats, 1, 0.55],
    ["never below zero", ledger(), beats, 0.2, 0],
    ["nothing once the budget stopped the run", ledger({ run: { ...ledger().run!, budgetStopped: true } }), new Map(), 1, 0],
  ] as const)("%s", (_name, l, b, ceiling, expected) => {
    const left = runBudgetLeft(l, b, ceiling);
    if (expected === undefined) expect(left).toBeUndefined();
    else expect(left).toBeCloseTo(expected, 10);
  });
});

describe("budgetFromWord", () => {
  it.each([
    ["no word yet", undefined, 0.1, undefined],
    // The App counted the job's $0.30 (0.10 settled + 0.20 in flight): without the task in flight, 0.50 + 0.30 − 0.10.
    ["the task in flight comes back", { leftUsd: 0.5, atCostUsd: 0.3 }, 0.1, 0.7],
    ["a task settled since counts", { leftUsd: 0.5, atCostUsd: 0.3 }, 0.35, 0.45],
  ] as const)("%s", (_name, word, settled, expected) => {
    const left = budgetFromWord(word, settled);
    if (expected === undefined) expect(left).toBeUndefined();
    else expect(left).toBeCloseTo(expected, 10);
  });
});

describe("dropTakenNotes", () => {
  it("keeps what was not taken and removes the field when nothing is left", () => {
    const r = record({ notes });
    dropTakenNotes(r, ["n1"]);
    expect(r.notes?.map((n) => n.id)).toEqual(["n2"]);
    dropTakenNotes(r, ["n2", "zz"]);
    expect(r).not.toHaveProperty("notes");
  });
});
