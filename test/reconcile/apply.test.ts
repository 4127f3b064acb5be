// apply(): every action kind decide() emits, run against a record set and a Forge that writes down what it was asked
// (the effects themselves are the homes' adapters, proven end to end). Pure: no processes, no git.
import { describe, expect, it } from "vitest";
import { REASONS, requeuedReason } from "../../src/core/failure-reasons.js";
import { transition, type MilestoneState } from "../../src/core/lifecycle.js";
import type { MilestoneCore } from "../../src/core/milestone-record.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { Forge } from "../../src/ports/forge.js";
import { apply, budgetSignal, recordChange } from "../../src/reconcile/apply.js";
import type { Action } from "../../src/reconcile/decide.js";

const plan = (extra = ""): ReturnType<typeof parsePlan> =>
  parsePlan(`version: 1\nretries: 2\n${extra}worker: { command: x }\nmilestones:\n  - { id: A, tasks: [t] }\n  - { id: B, tasks: [t] }\n`, "weave.yml");

function world(states: Record<string, MilestoneState>, extra = "") {
  const records: Record<string, MilestoneCore> = {};
  for (const [id, state] of Object.entries(states)) records[id] = { state, attempts: 1, requeues: 0, tasks: 1, tasksDone: 0, costUsd: 0, reason: "before" };
  const asked: string[] = [];
  const forge: Forge = {
    start: async (ids) => void asked.push(`start ${ids.join(",")}`),
    land: async (id) => void asked.push(`land ${id}`),
    signal: async (ids, signal, reason) => void asked.push(`signal ${ids.join(",")} ${signal} (${reason})`),
    resolve: async (id) => void asked.push(`resolve ${id}`),
  };
  const applied: string[] = [];
  const run = { budgetStopped: false };
  const target = {
    plan: plan(extra), records, run, forge,
    move: (id: string, to: MilestoneState, reason: string) => {
      records[id]!.state = transition(id, records[id]!.state, to);
      records[id]!.reason = reason;
    },
    applied: (a: Action) => void applied.push(a.kind),
  };
  return { records, asked, applied, run, target };
}

describe("apply: the record side of each action", () => {
  const rows: Array<[string, Action, MilestoneState, MilestoneState, string, number]> = [
    ["requeue", { kind: "requeue", id: "A" }, "stale", "eligible", requeuedReason(1, 2, "before"), 1],
    ["fail", { kind: "fail", id: "A", reason: "went silent" }, "stale", "failed", "went silent", 0],
    ["skip", { kind: "skip", id: "A", reason: "Skipped: X failed" }, "pending", "skipped", "Skipped: X failed", 0],
    ["unskip", { kind: "unskip", id: "A", reason: "its failed dependency is no longer failed" }, "skipped", "pending", "its failed dependency is no longer failed", 0],
  ];
  for (const [kind, action, from, to, reason, requeues] of rows) {
    it(`${kind}: ${from} → ${to}, with its reason, through the home's move, no effect asked`, async () => {
      const w = world({ A: from });
      await apply([action], w.target);
      expect(w.records.A).toMatchObject({ state: to, reason, requeues });
      expect(w.asked).toEqual([]);
      expect(w.applied).toEqual([kind]);
    });
  }

  it("recordChange is pure: the same input, the same change, the record untouched", () => {
    const record = { requeues: 1, reason: "no heartbeat for 90 s" };
    const a = recordChange({ kind: "requeue", id: "A" }, record, { retries: 3 });
    expect(a).toEqual({ to: "eligible", reason: "requeued (2/3) after: no heartbeat for 90 s", requeues: 2 });
    expect(recordChange({ kind: "requeue", id: "A" }, record, { retries: 3 })).toEqual(a);
    expect(record).toEqual({ requeues: 1, reason: "no heartbeat for 90 s" });
  });
});

describe("apply: effects go through the Forge", () => {
  it("budget-stop records the stop and tells the workers (stop, or pause under drain)", async () => {
    for (const [extra, signal] of [["", "stop"], ["budget_action: drain\n", "pause"]] as const) {
      const w = world({ A: "running", B: "running" }, extra);
      await apply([{ kind: "budget-stop", ids: ["A", "B"] }], w.target);
      expect(w.run.budgetStopped).toBe(true);
      expect(budgetSignal(w.target.plan)).toBe(signal);
      expect(w.asked).toEqual([`signal A,B ${signal} (${REASONS.budgetReached})`]);
      expect(w.records.A!.state).toBe("running"); // the worker's own report moves it (reconcile/observe.ts)
    }
  });

  it("merge lands, resolve starts a resolve job", async () => {
    const w = world({ A: "finished", B: "conflict" });
    await apply([{ kind: "merge", id: "A" }, { kind: "resolve", id: "B" }], w.target);
    expect(w.asked).toEqual(["land A", "resolve B"]);
    expect(w.applied).toEqual(["merge", "resolve"]);
  });

  it("starts go last, together, whatever their place among the actions", async () => {
    const w = world({ A: "eligible", B: "stale" });
    await apply([{ kind: "start", id: "A" }, { kind: "requeue", id: "B" }, { kind: "start", id: "B" }], w.target);
    expect(w.asked).toEqual(["start A,B"]);
    expect(w.applied).toEqual(["requeue", "start", "start"]);
    expect(w.records.B!.state).toBe("eligible");
  });

  it("no actions: nothing asked, nothing moved", async () => {
    const w = world({ A: "pending" });
    await apply([], w.target);
    expect(w.asked).toEqual([]);
    expect(w.applied).toEqual([]);
  });

  it("a move the lifecycle refuses throws (a bug in decide, never hidden)", async () => {
    const w = world({ A: "merged" });
    await expect(apply([{ kind: "fail", id: "A", reason: "x" }], w.target)).rejects.toThrow(/illegal lifecycle move/);
  });
});
