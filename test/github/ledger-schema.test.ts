// The ledger's content (github/ledger.ts): read through its versioned schema, migrated step by step from an older
// version, refused (a WeaveError with a code) when newer or not a ledger; the alarm names commits only.
import { describe, expect, it } from "vitest";
import { isWeaveError } from "../../src/core/errors.js";
import { LEDGER_VERSION, migrateLedger, parseLedgerContent, renderLedgerAlarm } from "../../src/github/ledger.js";

const milestone = { state: "running", attempts: 1, requeues: 0, tasks: 2, tasksDone: 1, costUsd: 0.2, runId: 7, notes: [{ id: "n1", text: "hi", by: "alice", at: "t" }] };
const run = { id: "r1", trackingIssue: 3, startedBy: "alice", startedAt: "t", target: "main", budgetStopped: false };
const ledger = (over: Record<string, unknown> = {}): string => JSON.stringify({ version: LEDGER_VERSION, run, milestones: { M1: milestone }, ...over });

describe("parseLedgerContent", () => {
  it("reads today's ledger as it is, keeping fields the schema does not name", () => {
    const read = parseLedgerContent(ledger({ milestones: { M1: { ...milestone, addedLater: [1] } }, extra: true }));
    expect(read.run).toEqual(run);
    expect(read.milestones.M1).toEqual({ ...milestone, addedLater: [1] });
    expect((read as unknown as { extra: boolean }).extra).toBe(true);
  });

  const refused: [string, string, RegExp][] = [
    ["a newer version", ledger({ version: LEDGER_VERSION + 1 }), /version 2, newer than this weave reads \(1\)/],
    ["no version", JSON.stringify({ milestones: {} }), /has no ledger version/],
    ["version 0", ledger({ version: 0 }), /has no ledger version/],
    ["not JSON", "{ version: 1", /is not JSON/],
    ["an array", "[]", /is not a JSON object/],
    ["an unknown state", ledger({ milestones: { M1: { ...milestone, state: "won" } } }), /milestones\.M1\.state/],
    ["a cost that is not a number", ledger({ milestones: { M1: { ...milestone, costUsd: "lots" } } }), /milestones\.M1\.costUsd/],
    ["a run without its tracking issue", ledger({ run: { ...run, trackingIssue: undefined } }), /run\.trackingIssue/],
  ];
  it.each(refused)("refuses %s with a ledger-unsupported WeaveError", (_, text, words) => {
    let error: unknown;
    try {
      parseLedgerContent(text);
    } catch (e) {
      error = e;
    }
    expect(isWeaveError(error, "ledger-unsupported")).toBe(true);
    expect((error as Error).message).toMatch(words);
    expect((error as { hint?: string }).hint).toBeTruthy();
  });
});

describe("migrateLedger", () => {
  // Versions 1 → 2 → 3 of a made-up history: each step runs once, in order, from where the ledger is.
  const steps = {
    1: (l: Record<string, unknown>) => ({ ...l, renamed: l.old, old: undefined }),
    2: (l: Record<string, unknown>) => ({ ...l, trail: [...((l.trail as string[] | undefined) ?? []), "2→3"] }),
  };
  const table: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["from 1: both steps", { version: 1, old: "x" }, { version: 3, renamed: "x", old: undefined, trail: ["2→3"] }],
    ["from 2: the last step", { version: 2, trail: ["kept"] }, { version: 3, trail: ["kept", "2→3"] }],
    ["already 3: untouched", { version: 3, old: "x" }, { version: 3, old: "x" }],
  ];
  it.each(table)("%s", (_, older, current) => {
    expect(migrateLedger(older, 3, steps)).toEqual(current);
  });

  it("refuses a version with no step, and one newer than current", () => {
    expect(() => migrateLedger({ version: 1 }, 3, { 2: steps[2] })).toThrow(/no migration from/);
    expect(() => migrateLedger({ version: 4 }, 3, steps)).toThrow(/newer than this weave reads \(3\)/);
  });
});

describe("renderLedgerAlarm", () => {
  it("says what was found, that it was ignored, and what to check — in weave's words only", () => {
    const text = renderLedgerAlarm({ head: "f".repeat(40), failure: "missing", keptFrom: "a".repeat(40), anySigned: true }, "b".repeat(40), "the App's webhook secret");
    expect(text).toContain("`ffffffffffff`");
    expect(text).toContain("carries no `Weave-Ledger-MAC`");
    expect(text).toContain("carried on from its last good ledger (`aaaaaaaaaaaa`)");
    expect(text).toContain("`bbbbbbbbbbbb`");
    expect(text).toContain("the App's webhook secret");
    expect(renderLedgerAlarm({ head: "f".repeat(40), failure: "mismatch", keptFrom: undefined, anySigned: false }, "b".repeat(40), "k")).toContain("a weave older than this one signed none");
  });
});
