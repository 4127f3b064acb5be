// observe(): what a worker's report, its liveness, its silence, the branch's evidence, the budget and a person's
// signal mean for its record — one table for both homes (local: a process alive or gone; the App: a heartbeat,
// liveness unknown, or a run that ended). Pure: no processes, no git.
import { describe, expect, it } from "vitest";
import { diedReason, REASONS, staleReason, UNASKED_STOP, unprovenFinishReason } from "../../src/core/failure-reasons.js";
import { canTransition, MILESTONE_STATES, type MilestoneState } from "../../src/core/lifecycle.js";
import type { LedgerMilestone } from "../../src/github/ledger.js";
import { applyHeartbeat } from "../../src/github/mutate-record.js";
import type { WorkerRunState, WorkerStatus } from "../../src/ports/reporter.js";
import { observeWorker, takeTransition, type ObserveInput, type Transition } from "../../src/reconcile/observe.js";

const REPORT_STATES: WorkerRunState[] = ["starting", "running", "verifying", "paused", "stopped", "finished", "failed", "died"];
const WORKER_RECORD_STATES: MilestoneState[] = ["claimed", "running", "stale"];

type Row = Omit<Partial<ObserveInput>, "report"> & { state?: MilestoneState; report?: WorkerRunState | ObserveInput["report"] };

function input(patch: Row = {}): ObserveInput {
  const { state, report, ...rest } = patch;
  const r = typeof report === "string" ? { state: report, tasksDone: 2, costUsd: 1.5, headSha: "abc", error: report === "failed" || report === "died" ? "boom" : undefined } : report;
  return { id: "M1", record: { state: state ?? "running", tasks: 3, reason: undefined }, report: r, liveness: "unknown", timeoutS: 60, budgetStopped: false, command: "weave", ...rest };
}

/** What each final report means once the worker is not seen alive, with no signal and no budget stop. */
const FINAL_MEANS: Partial<Record<WorkerRunState, { to: MilestoneState; reason: string | null }>> = {
  finished: { to: "finished", reason: null },
  failed: { to: "failed", reason: "boom" },
  paused: { to: "paused", reason: REASONS.paused },
  stopped: { to: "stale", reason: diedReason(UNASKED_STOP) },
  died: { to: "stale", reason: "boom" },
};

describe("observe: every report × every worker state, both homes", () => {
  for (const state of WORKER_RECORD_STATES) {
    for (const report of REPORT_STATES) {
      for (const liveness of ["alive", "gone", "unknown"] as const) {
        it(`${state} record, ${report} report, worker ${liveness}`, () => {
          const t = observeWorker(input({ state, report, liveness }));
          const final = FINAL_MEANS[report];
          let want: MilestoneState | undefined;
          if (final && liveness !== "alive") want = final.to;
          else if (liveness === "gone") want = "stale";
          else want = "running";
          expect(t.to ?? state).toBe(want ?? state);
          // Every move it asks for is one the lifecycle allows (through running, as the homes step).
          if (t.to && t.to !== state) expect(canTransition(state, t.to) || canTransition("running", t.to)).toBe(true);
          if (final && liveness !== "alive") expect(t.reason).toBe(final.reason);
          if (!final && liveness === "gone") expect(t.reason).toBe(diedReason(undefined));
          // The report's progress is taken (bounded by the plan's tasks), and its error output only on failure.
          expect(t.take).toMatchObject({ tasksDone: 2, costUsd: 1.5, headSha: "abc" });
          if (t.to === "stale") expect(t.kill).toBe(true);
          if (t.to === "finished") expect(t.finished).toBe(true);
        });
      }
    }
  }

  it("moves nothing a worker does not hold", () => {
    for (const state of MILESTONE_STATES.filter((s) => !WORKER_RECORD_STATES.includes(s))) {
      for (const report of REPORT_STATES) expect(observeWorker(input({ state, report, liveness: "gone" }))).toEqual({});
    }
  });
});

describe("observe: silence, signals, budget, evidence, resolve jobs", () => {
  const rows: Array<[string, Row, Partial<Transition>]> = [
    ["a worker silent past the timeout is stale and made to go", { report: "running", liveness: "alive", silentForS: 61 }, { to: "stale", reason: staleReason(61), kill: true }],
    ["a worker silent just within it runs on", { report: "running", liveness: "alive", silentForS: 60 }, { to: undefined }],
    ["no report yet and gone: died", { liveness: "gone" }, { to: "stale", reason: diedReason(undefined), kill: true }],
    ["a job whose run ended: died, saying how", { liveness: "gone", endedHow: "run failure" }, { to: "stale", reason: diedReason("run failure") }],
    ["gone after a person's stop: stopped, not requeued", { liveness: "gone", signal: "stop" }, { to: "stopped", reason: REASONS.stopped }],
    ["gone after a person's pause: paused", { liveness: "gone", signal: "pause" }, { to: "paused", reason: REASONS.paused }],
    ["gone at the budget: stopped, budget reached", { liveness: "gone", budgetStopped: true }, { to: "stopped", reason: REASONS.budgetReached }],
    ["died after a person's stop: stopped", { report: "died", signal: "stop" }, { to: "stopped" }],
    ["paused at the budget: stopped, budget reached", { report: "paused", budgetStopped: true }, { to: "stopped", reason: REASONS.budgetReached }],
    ["stopped at the budget: budget reached", { report: "stopped", budgetStopped: true }, { to: "stopped", reason: REASONS.budgetReached }],
    ["stopped as a person asked: the record's reason stays", { report: "stopped", signal: "stop" }, { to: "stopped", reason: REASONS.stopped }],
    ["stopped with its own reason (a task's limit): a stop", { report: "stopped" }, { to: "stopped" }],
    ["finished while a pause was asked: held paused, work kept", { report: "finished", signal: "pause" }, { to: "paused", finished: true }],
    ["finished while a pause was asked, at the budget: finished", { report: "finished", signal: "pause", budgetStopped: true }, { to: "finished" }],
    ["finished the branch does not show: nothing taken", { report: "finished", finishNotShown: "weave/M1 has 1 of 3 checkpoints" }, { reason: unprovenFinishReason("weave/M1 has 1 of 3 checkpoints") }],
  ];
  for (const [what, patch, want] of rows) {
    it(what, () => {
      const i = input(patch);
      if (what.includes("own reason")) i.report = { ...i.report!, error: "task 2/3 stopped: its limit" };
      const t = observeWorker(i);
      expect(t).toMatchObject(want);
      if (what.includes("does not show")) expect(t).toEqual(want);
    });
  }

  it("a stop a person asked keeps the reason the record already had", () => {
    const i = input({ report: "stopped", signal: "stop" });
    i.record.reason = "stop requested";
    expect(observeWorker(i)).toMatchObject({ to: "stopped", reason: "stop requested" });
  });

  it("bounds a report's task count by the plan's", () => {
    expect(observeWorker(input({ report: { state: "running", tasksDone: 9, costUsd: 0 } })).take?.tasksDone).toBe(3);
  });

  const resolving: Array<[string, Row, MilestoneState]> = [
    ["finished", { report: "finished" }, "finished"],
    ["failed", { report: "failed" }, "conflict"],
    ["died", { report: "died" }, "conflict"],
    ["gone", { liveness: "gone" }, "conflict"],
    ["silent", { report: "running", silentForS: 999 }, "conflict"],
  ];
  for (const [what, patch, to] of resolving) {
    it(`a resolve job ${what}: ${to}, and the resolve ends`, () => {
      const i = input(patch);
      i.record.resolving = true;
      const t = observeWorker(i);
      expect(t.to).toBe(to);
      expect(t.resolveEnded).toBe(true);
      if (to === "conflict") expect(t.reason).toMatch(/^the resolve job .*; resolve by hand, then `weave merge M1`$/);
    });
  }
});

describe("takeTransition", () => {
  it("writes the report's fields, finishedAt and the reason, and moves through the home's move", () => {
    const record = { state: "running" as MilestoneState, tasksDone: 0, costUsd: 0, reason: "old" as string | undefined, finishedAt: undefined as string | undefined, headSha: undefined as string | undefined, verify: undefined };
    const moves: MilestoneState[] = [];
    const at = new Date("2026-12-02T08:00:00Z");
    const changed = takeTransition(record, { to: "finished", reason: null, take: { tasksDone: 3, costUsd: 2, headSha: "h" }, finished: true }, at, (to) => {
      moves.push(to);
      record.state = to;
    });
    expect(changed).toBe(true);
    expect(moves).toEqual(["finished"]);
    expect(record).toMatchObject({ state: "finished", tasksDone: 3, costUsd: 2, headSha: "h", finishedAt: at.toISOString(), reason: undefined });
  });

  it("keeps the reason when the transition names none, and reports no change without a move", () => {
    const record = { state: "running" as MilestoneState, tasksDone: 0, costUsd: 0, reason: "kept" as string | undefined };
    expect(takeTransition(record, { take: { tasksDone: 1, costUsd: 0.1 } }, new Date(), () => expect.unreachable())).toBe(false);
    expect(record).toMatchObject({ tasksDone: 1, costUsd: 0.1, reason: "kept" });
  });
});

describe("observe: the App's heartbeat takes the same rules (github/mutate-record.ts)", () => {
  const at = new Date("2026-12-02T08:00:00Z");
  const record = (patch: Partial<LedgerMilestone> = {}): LedgerMilestone => ({ state: "running", attempts: 1, requeues: 0, tasks: 3, tasksDone: 1, costUsd: 0, ...patch });
  const beat = (state: WorkerRunState, patch: Partial<WorkerStatus> = {}): WorkerStatus => ({ milestone: "M1", runId: "7", state, tasksDone: 3, tasks: 3, costUsd: 1, pid: 0, startedAt: at.toISOString(), updatedAt: at.toISOString(), ...patch });

  it("a finish that came while a person's pause was asked is held paused, as locally, with the same words", () => {
    const r = record({ signal: "pause" });
    expect(applyHeartbeat("M1", r, beat("finished"), at, false)).toBe(true);
    const local = observeWorker(input({ report: "finished", signal: "pause", liveness: "gone", command: "/weave" }));
    expect(r).toMatchObject({ state: "paused", reason: local.reason, finishedAt: at.toISOString(), tasksDone: 3 });
  });

  it("a bare stop nobody asked for is requeued; one with its own reason is a stop", () => {
    const bare = record();
    applyHeartbeat("M1", bare, beat("stopped"), at, false);
    expect(bare).toMatchObject({ state: "stale", reason: diedReason(UNASKED_STOP) });
    const own = record();
    applyHeartbeat("M1", own, beat("stopped", { error: "task 2/3 stopped: its limit" }), at, false);
    expect(own).toMatchObject({ state: "stopped", reason: "task 2/3 stopped: its limit" });
  });

  it("a paused report at the budget reads budget reached", () => {
    const r = record();
    applyHeartbeat("M1", r, beat("paused"), at, true);
    expect(r).toMatchObject({ state: "stopped", reason: REASONS.budgetReached });
  });
});
