// Command semantics (core/control.ts) as one table: every command × every lifecycle state, named and unnamed, the
// same for the local CLI, `/weave` comments and check-run buttons.
import { describe, expect, it } from "vitest";
import { CONTROL_VERBS, controlMilestones, replyText } from "../../src/core/control.js";
import type { ControlInput, ControlledRecord, ControlVerb } from "../../src/core/control.js";
import { canTransition, MILESTONE_STATES } from "../../src/core/lifecycle.js";
import type { MilestoneState } from "../../src/core/lifecycle.js";

const input = (verb: ControlVerb, records: Record<string, ControlledRecord> | undefined, extra: Partial<ControlInput> = {}): ControlInput => ({
  verb, ids: ["M"], records, order: Object.keys(records ?? { M: 0 }), dependsOn: () => [], spell: (c) => `weave ${c}`, ...extra,
});

/** What each command does to a named milestone in each state: the change, or the refusal's code. */
type Expected = { signal: "pause" | "stop" } | { move: MilestoneState; restart?: true } | { merge: true; move?: MilestoneState } | { refused: string };
const NA = { refused: "not-applicable" } as const;
const EXPECTED: Record<ControlVerb, Record<MilestoneState, Expected>> = {
  stop: {
    pending: { move: "stopped" }, eligible: { move: "stopped" }, claimed: { signal: "stop" }, running: { signal: "stop" }, paused: { move: "stopped" },
    finished: NA, merging: NA, merged: NA, conflict: NA, failed: NA, stale: { signal: "stop" }, stopped: NA, skipped: NA,
  },
  pause: {
    pending: NA, eligible: NA, claimed: { signal: "pause" }, running: { signal: "pause" }, paused: NA,
    finished: NA, merging: NA, merged: NA, conflict: NA, failed: NA, stale: { signal: "pause" }, stopped: NA, skipped: NA,
  },
  resume: {
    pending: NA, eligible: NA, claimed: NA, running: NA, paused: { move: "eligible", restart: true },
    finished: NA, merging: NA, merged: NA, conflict: NA, failed: { move: "eligible", restart: true }, stale: NA, stopped: { move: "eligible", restart: true }, skipped: { move: "pending" },
  },
  retry: {
    pending: NA, eligible: NA, claimed: NA, running: NA, paused: { move: "eligible", restart: true },
    finished: NA, merging: NA, merged: NA, conflict: NA, failed: { move: "eligible", restart: true }, stale: NA, stopped: { move: "eligible", restart: true }, skipped: { move: "pending" },
  },
  merge: {
    pending: NA, eligible: NA, claimed: NA, running: NA, paused: NA,
    finished: { merge: true }, merging: { merge: true, move: "finished" }, merged: NA, conflict: { merge: true }, failed: NA, stale: NA, stopped: NA, skipped: NA,
  },
};

function observed(verb: ControlVerb, state: MilestoneState, named: boolean): Expected | undefined {
  const records = { M: { state } };
  const before = structuredClone(records);
  const result = controlMilestones(input(verb, records, named ? {} : { ids: [] }));
  expect(records).toEqual(before); // pure: the records are never mutated
  expect(result.refused).toBeUndefined();
  const change = result.changes.find((c) => c.id === "M");
  const reply = result.replies.find((r) => r.id === "M");
  if (change?.move) expect(canTransition(state, change.move.to)).toBe(true);
  if (reply && "refused" in reply) {
    expect(change).toBeUndefined(); // a refusal changes nothing
    return { refused: reply.refused.code };
  }
  if (!change) return undefined;
  expect(reply && "done" in reply).toBe(true);
  if (change.signal) return { signal: change.signal };
  if (change.mergeRequested) return { merge: true, ...(change.move ? { move: change.move.to } : {}) };
  return { move: change.move!.to, ...(change.restart ? { restart: true as const } : {}) };
}

describe("control: every command × every lifecycle state", () => {
  for (const verb of CONTROL_VERBS) {
    for (const state of MILESTONE_STATES) {
      const expected = EXPECTED[verb][state];
      it(`${verb} of a named ${state} milestone → ${JSON.stringify(expected)}`, () => {
        expect(observed(verb, state, true)).toEqual(expected);
      });
      // Unnamed (every milestone): the same changes, but silence instead of "nothing to …", and failed or skipped
      // milestones are resumed only when named.
      const unnamed = "refused" in expected || ((verb === "resume" || verb === "retry") && (state === "failed" || state === "skipped")) ? undefined : expected;
      it(`${verb} of every milestone, one ${state} → ${JSON.stringify(unnamed ?? "no reply")}`, () => {
        expect(observed(verb, state, false)).toEqual(unnamed);
      });
    }
  }
});

describe("control: the cases beyond the state", () => {
  it("no run yet: the whole command is refused, nothing changes", () => {
    const result = controlMilestones(input("stop", undefined, { spell: (c) => `/weave ${c}` }));
    expect(result.refused?.code).toBe("no-run");
    expect(result.refused?.message).toBe("No run yet: say `/weave start` first.");
    expect(result.changes).toEqual([]);
  });

  it("merge of a milestone whose verify failed: refused with how to force it, even unnamed; --force merges it", () => {
    const records = { M: { state: "failed" as const, verify: { state: "failed" } } };
    for (const ids of [["M"], []]) {
      const refused = controlMilestones(input("merge", records, { ids }));
      expect(refused.changes).toEqual([]);
      expect(refused.replies.map(replyText)).toEqual(["its last verify failed; `weave merge M --force` lands it anyway"]);
      expect(refused.replies[0]).toMatchObject({ refused: { code: "verify-failed" } });
    }
    const forced = controlMilestones(input("merge", records, { force: true }));
    expect(forced.changes).toEqual([{ id: "M", mergeRequested: true, forceMerge: true }]);
    expect(forced.replies.map(replyText)).toEqual(["merging despite its failed verify (--force)"]);
  });

  it("merge --force of a finished milestone carries the force (a strict scope check gives way)", () => {
    expect(controlMilestones(input("merge", { M: { state: "finished" } }, { force: true })).changes).toEqual([{ id: "M", mergeRequested: true, forceMerge: true }]);
  });

  it("resume of a skipped milestone names the failure behind it, through other milestones", () => {
    const records = { A: { state: "failed" as const }, B: { state: "skipped" as const }, C: { state: "skipped" as const } };
    const deps: Record<string, string[]> = { B: ["A"], C: ["B"] };
    const result = controlMilestones(input("resume", records, { ids: ["C"], dependsOn: (id) => deps[id] ?? [] }));
    expect(result.changes).toEqual([]);
    expect(result.replies[0]).toMatchObject({ id: "C", refused: { code: "skipped-by-failure" } });
    expect(replyText(result.replies[0]!)).toBe("skipped because A failed; `weave resume A` first");
  });

  it("resume lifts the budget stop only when something resumes; reasons name who asked", () => {
    const resumed = controlMilestones(input("resume", { M: { state: "stopped" } }, { by: "alice" }));
    expect(resumed.clearBudgetStop).toBe(true);
    expect(resumed.changes).toEqual([{ id: "M", move: { to: "eligible", reason: "resumed by @alice" }, restart: true }]);
    expect(controlMilestones(input("retry", { M: { state: "failed" } }, { by: "bob" })).changes[0]!.move!.reason).toBe("retried by @bob");
    expect(controlMilestones(input("resume", { M: { state: "stopped" } })).changes[0]!.move!.reason).toBe("resume requested");
    expect(controlMilestones(input("resume", { M: { state: "running" } })).clearBudgetStop).toBe(false);
  });

  it("replies are worded once, the command spelled as the home spells it", () => {
    const records = { A: { state: "running" as const }, B: { state: "eligible" as const }, C: { state: "merged" as const } };
    const local = controlMilestones(input("stop", records, { ids: [] }));
    expect(local.replies.map((r) => `${r.id}: ${replyText(r)}`)).toEqual(["A: stopping", "B: stopped; `weave resume B` starts it again"]);
    const github = controlMilestones(input("stop", records, { ids: ["C"], spell: (c) => `/weave ${c}` }));
    expect(github.replies.map(replyText)).toEqual(["merged — nothing to stop"]);
    expect(controlMilestones(input("pause", { M: { state: "running" } })).replies.map(replyText)).toEqual(["pausing after the task in flight"]);
  });

  it("a named milestone the run does not have is refused, not ignored", () => {
    const result = controlMilestones(input("resume", { A: { state: "stopped" } }, { ids: ["N"] }));
    expect(result.replies[0]).toMatchObject({ id: "N", refused: { code: "unknown-milestone" } });
  });
});
