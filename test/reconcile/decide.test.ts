// decide(): a snapshot in, actions out — proven as tables of pure input → decision, no processes.
// Every action kind decide() emits has rows here; the end-to-end suites keep only what needs git and processes.
import { describe, expect, it } from "vitest";
import type { MilestoneState } from "../../src/core/lifecycle.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { Plan } from "../../src/core/plan/plan.js";
import { decide, type Action, type MilestoneView, type Snapshot } from "../../src/reconcile/decide.js";

function plan(milestones: string, extra = ""): Plan {
  return parsePlan(`version: 1\n${extra}worker: { command: x }\nmilestones:\n${milestones}`, "weave.yml");
}

// A → B, A → C, B+C → D; E alone.
const DIAMOND = `  - { id: A, tasks: [t] }
  - { id: B, tasks: [t], depends_on: [A] }
  - { id: C, tasks: [t], depends_on: [A] }
  - { id: D, tasks: [t], depends_on: [B, C] }
  - { id: E, tasks: [t] }
`;

type ViewInput = MilestoneState | (Partial<MilestoneView> & { state: MilestoneState });

function snapshot(p: Plan, views: Record<string, ViewInput>, extra: Partial<Snapshot> = {}): Snapshot {
  const milestones = new Map<string, MilestoneView>();
  for (const m of p.milestones) {
    const v = views[m.id] ?? "pending";
    milestones.set(m.id, typeof v === "string" ? { state: v, requeues: 0 } : { requeues: 0, ...v });
  }
  const order = p.milestones.map((m) => m.id);
  return { plan: p, milestones, rankOf: (id) => order.indexOf(id), costUsd: 0, budgetStopped: false, workers: 3, ...extra };
}

const kinds = (actions: Action[]): string[] => actions.map((a) => `${a.kind}:${"id" in a ? a.id : a.ids.join(",")}`);

describe("decide: what starts", () => {
  const p = plan(DIAMOND);
  const rows: Array<[string, Record<string, ViewInput>, Partial<Snapshot>, string[]]> = [
    ["roots start, in rank order", {}, {}, ["start:A", "start:E"]],
    ["no more than the free slots", {}, { workers: 1 }, ["start:A"]],
    ["active workers hold slots (a paused one does not)", { A: "running", E: "paused" }, { workers: 1 }, []],
    ["a paused worker frees its slot", { A: "merged", E: "paused" }, { workers: 1 }, ["start:B"]],
    ["dependents start when every dependency merged", { A: "merged", B: "merged", C: "merged", E: "merged" }, {}, ["start:D"]],
    ["a finished-but-unmerged dependency blocks", { A: "merged", B: "merged", C: "finished", E: "merged" }, {}, []],
    ["a requeued stale worker starts again in the same pass", { A: "stale", E: "running" }, { workers: 2 }, ["requeue:A", "start:A"]],
    ["a stale worker out of retries fails and frees nothing while others run", { A: "running", E: { state: "stale", requeues: 9 } }, { workers: 1 }, ["fail:E"]],
    ["nothing starts over the budget", {}, { costUsd: 5, budgetUsd: 5 }, ["budget-stop:"]],
    ["nothing starts once the budget stopped the run", {}, { costUsd: 1, budgetUsd: 5, budgetStopped: true }, []],
  ];
  for (const [name, views, extra, expected] of rows) {
    it(name, () => {
      const actions = decide(snapshot(p, views, { ...extra, plan: p }));
      expect(kinds(actions).filter((k) => !k.startsWith("merge:"))).toEqual(expected);
    });
  }

  it("never starts two holders of the same files under overlap: serialize", () => {
    const s = plan(`  - { id: X, tasks: [t], files: ["src/auth/**"] }
  - { id: Y, tasks: [t], files: [src/auth/login.ts] }
  - { id: Z, tasks: [t], files: [docs/a.md] }
`, "overlap: serialize\n");
    expect(kinds(decide(snapshot(s, {})))).toEqual(["start:X", "start:Z"]);
    expect(kinds(decide(snapshot(s, { X: "running" })))).toEqual(["start:Z"]);
  });
});

describe("decide: stale workers", () => {
  const p = plan(DIAMOND, "retries: 2\n");
  it("requeues within retries and fails after, saying how often the worker went silent", () => {
    expect(decide(snapshot(p, { A: { state: "stale", requeues: 1 } }))).toContainEqual({ kind: "requeue", id: "A" });
    const failed = decide(snapshot(p, { A: { state: "stale", requeues: 2 } }));
    expect(failed[0]).toMatchObject({ kind: "fail", id: "A" });
    expect((failed[0] as { reason: string }).reason).toMatch(/went silent 3 times/);
  });

  it("skips the dependents of a stale worker that failed, in the same pass", () => {
    const actions = decide(snapshot(p, { A: { state: "stale", requeues: 2 } }));
    expect(kinds(actions)).toEqual(["fail:A", "skip:B", "skip:C", "skip:D", "start:E"]);
  });
});

describe("decide: budget", () => {
  const p = plan(DIAMOND);
  it("stops the active workers (not paused or stale ones) when the ceiling is reached", () => {
    const actions = decide(snapshot(p, { A: "running", E: "paused", B: "claimed" }, { costUsd: 10, budgetUsd: 10 }));
    expect(actions).toContainEqual({ kind: "budget-stop", ids: ["A", "B"] });
  });
  it("below the ceiling nothing is stopped", () => {
    expect(kinds(decide(snapshot(p, { A: "running" }, { costUsd: 9.99, budgetUsd: 10 })))).toEqual(["start:E"]);
  });
  it("without a ceiling spend never stops anything", () => {
    expect(kinds(decide(snapshot(p, { A: "running" }, { costUsd: 1e9 })))).toEqual(["start:E"]);
  });
});

describe("decide: skips", () => {
  const p = plan(DIAMOND);
  it("skips everything downstream of a failure once, and keeps unrelated milestones going", () => {
    const actions = decide(snapshot(p, { A: "merged", B: "failed" }));
    expect(kinds(actions)).toEqual(["skip:D", "start:C", "start:E"]);
    expect(actions.find((a) => a.kind === "skip")).toMatchObject({ reason: "Skipped: B failed." });
  });
  it("does not skip again what is already skipped", () => {
    expect(kinds(decide(snapshot(p, { A: "merged", B: "failed", D: "skipped" })))).toEqual(["start:C", "start:E"]);
  });
});

describe("decide: merges", () => {
  const rows: Array<[string, string, Record<string, ViewInput>, string[]]> = [
    ["auto merges every finished milestone", "merge: { auto: auto, order: completion }\n", { A: "finished", E: "finished" }, ["merge:A", "merge:E"]],
    ["confirm waits for a request", "merge: { auto: confirm }\n", { A: "finished" }, []],
    ["confirm merges what was asked for", "merge: { auto: confirm }\n", { A: { state: "finished", mergeRequested: true } }, ["merge:A"]],
    ["manual waits for a request too", "merge: { auto: manual }\n", { A: "finished" }, []],
    ["a conflict is retried only when asked", "merge: { auto: auto }\n", { A: "conflict" }, []],
    ["a conflict with a request is merged again", "merge: { auto: auto }\n", { A: { state: "conflict", mergeRequested: true } }, ["merge:A"]],
    ["a blocked merge waits for a person", "merge: { auto: auto }\n", { A: { state: "finished", mergeBlocked: true } }, []],
    ["a blocked merge goes again when asked", "merge: { auto: auto }\n", { A: { state: "finished", mergeBlocked: true, mergeRequested: true } }, ["merge:A"]],
    ["a failed milestone merges only with --force", "merge: { auto: auto }\n", { A: { state: "failed", forceMerge: true } }, ["merge:A"]],
    ["sequential: a later milestone waits for an earlier one to land", "merge: { auto: auto, order: sequential }\n", { A: "running", E: "finished" }, []],
    ["sequential: a request jumps the queue", "merge: { auto: auto, order: sequential }\n", { A: "running", E: { state: "finished", mergeRequested: true } }, ["merge:E"]],
    ["sequential: failed and skipped milestones do not hold the queue", "merge: { auto: auto, order: sequential }\n",
      { A: "merged", B: "failed", C: "merged", D: "skipped", E: "finished" }, ["merge:E"]],
    ["sequential: in plan order", "merge: { auto: auto, order: sequential }\n", { A: "merged", B: "finished", C: "finished", E: "merged" }, ["merge:B"]],
  ];
  for (const [name, extra, views, expected] of rows) {
    it(name, () => {
      const p = plan(DIAMOND, extra);
      expect(kinds(decide(snapshot(p, views))).filter((k) => k.startsWith("merge:"))).toEqual(expected);
    });
  }

  it("completion order lands the earliest finished first", () => {
    const p = plan(DIAMOND, "merge: { auto: auto, order: completion }\n");
    const actions = decide(snapshot(p, {
      A: "merged",
      B: { state: "finished", finishedAt: "2026-01-01T00:00:05Z" },
      C: { state: "finished", finishedAt: "2026-01-01T00:00:01Z" },
    }));
    expect(kinds(actions).filter((k) => k.startsWith("merge:"))).toEqual(["merge:C", "merge:B"]);
  });
});

describe("decide: resolve jobs (merge.resolve: agent)", () => {
  const p = plan(DIAMOND, "merge: { auto: auto, resolve: agent }\n");
  const rows: Array<[string, Record<string, ViewInput>, Partial<Snapshot>, string[]]> = [
    ["a conflict gets a resolve job, in a worker slot before new starts", { A: "merged", B: "conflict" }, { resolveJobs: true, workers: 2 }, ["resolve:B", "start:C"]],
    ["a resolve job waits for a free slot", { A: "merged", B: "conflict", C: "running", E: "running" }, { resolveJobs: true, workers: 2 }, []],
    ["one resolve job per conflict: after it, the conflict waits for a person", { A: "merged", B: { state: "conflict", resolveAttempts: 1 } }, { resolveJobs: true, workers: 1 }, ["start:C"]],
    ["a merge asked of a conflict waits for its resolve job", { A: "merged", B: { state: "conflict", mergeRequested: true } }, { resolveJobs: true, workers: 1 }, ["resolve:B"]],
    ["no resolve job over the budget (a merge asked for is tried again)", { A: "merged", B: { state: "conflict", mergeRequested: true } }, { resolveJobs: true, costUsd: 5, budgetUsd: 5 }, ["budget-stop:", "merge:B"]],
    ["no resolve job once the budget stopped the run", { A: "merged", B: "conflict" }, { resolveJobs: true, budgetStopped: true }, []],
    ["a home that runs no resolve jobs (local) leaves the conflict", { A: "merged", B: "conflict" }, { workers: 1 }, ["start:C"]],
  ];
  for (const [what, views, extra, want] of rows) it(what, () => expect(kinds(decide(snapshot(p, views, extra)))).toEqual(want));

  it("merge.resolve: manual never asks for one", () => {
    expect(kinds(decide(snapshot(plan(DIAMOND, "merge: { auto: auto }\n"), { A: "merged", B: "conflict" }, { resolveJobs: true, workers: 1 })))).toEqual(["start:C"]);
  });
});

describe("decide: purity", () => {
  it("gives the same actions for the same snapshot", () => {
    const p = plan(DIAMOND, "merge: { auto: auto }\n");
    const s = snapshot(p, { A: "merged", B: "finished", C: { state: "stale", requeues: 0 } });
    expect(decide(s)).toEqual(decide(s));
    expect([...s.milestones.values()].map((v) => v.state)).toEqual(["merged", "finished", "stale", "pending", "pending"]);
  });
});
