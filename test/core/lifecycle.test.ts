// The lifecycle table, every pair of states: the edges a milestone may take are written out here as the
// specification, so a change to TRANSITIONS is a deliberate change to this table too.
import { describe, expect, it } from "vitest";
import { ACTIVE_STATES, canTransition, HOLDING_STATES, MILESTONE_STATES, transition, WORKER_HELD_STATES, type MilestoneState } from "../../src/core/lifecycle.js";
import { WeaveError } from "../../src/core/errors.js";

const EDGES: Record<MilestoneState, MilestoneState[]> = {
  pending: ["eligible", "skipped", "merged", "stopped", "failed"],
  eligible: ["claimed", "pending", "skipped", "stopped", "merged", "failed"],
  claimed: ["running", "stale", "failed", "stopped", "paused", "finished"],
  running: ["paused", "finished", "failed", "stale", "stopped", "conflict"],
  paused: ["claimed", "stopped", "failed", "eligible"],
  finished: ["merging", "failed", "merged", "stopped"],
  merging: ["merged", "conflict", "finished", "failed"],
  merged: [],
  conflict: ["merging", "merged", "failed", "finished", "claimed"],
  failed: ["eligible", "pending", "merged", "merging"],
  stale: ["eligible", "claimed", "failed", "stopped", "running", "finished"],
  stopped: ["eligible", "pending", "claimed", "merged"],
  skipped: ["pending", "eligible", "merged"],
};

describe("lifecycle", () => {
  for (const from of MILESTONE_STATES) {
    for (const to of MILESTONE_STATES) {
      const legal = from === to || EDGES[from].includes(to);
      it(`${from} → ${to} is ${legal ? "allowed" : "refused"}`, () => {
        expect(canTransition(from, to)).toBe(legal);
        if (legal) expect(transition("M1", from, to)).toBe(to);
        else expect(() => transition("M1", from, to)).toThrow(WeaveError);
      });
    }
  }

  it("refuses with a hint naming the allowed moves", () => {
    try {
      transition("M1", "merged", "running");
      expect.unreachable();
    } catch (e) {
      expect((e as WeaveError).message).toBe("illegal lifecycle move for M1: merged → running");
      expect((e as WeaveError).hint).toBe("allowed from merged: nothing (final)");
    }
  });
});

describe("lifecycle: state groupings", () => {
  it.each<[MilestoneState, boolean]>(MILESTONE_STATES.map((s) => [s, s === "claimed" || s === "running" || s === "stale"]))("%s is worker-held: %s", (state, held) => {
    expect(WORKER_HELD_STATES.has(state)).toBe(held);
  });

  it("worker-held ⊂ active (= worker-held + paused) ⊂ holding locks", () => {
    expect([...ACTIVE_STATES].filter((s) => !WORKER_HELD_STATES.has(s))).toEqual(["paused"]);
    for (const s of ACTIVE_STATES) expect(HOLDING_STATES.has(s), s).toBe(true);
  });
});
