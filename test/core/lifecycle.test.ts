// The lifecycle table, every pair of states: the edges a milestone may take are written out here as the
// specification, so a change to TRANSITIONS is a deliberate change to this table too.
import { describe, expect, it } from "vitest";
import { canTransition, MILESTONE_STATES, transition, type MilestoneState } from "../../src/core/lifecycle.js";
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
