// Journeys of the coordinator inside Actions (no App server process): a worker job killed with its runner (no post
// step, no final report, nothing wakes the coordinator but the tick) is requeued within `retries` and resumed from
// its last checkpoint; two milestones editing the same lines give the second a conflict comment on the tracking
// issue, with the files git reports, and it is not run again. (The check-run button journey is in
// coordinator-run.test.ts: the Merge button applied from its `check_run` `requested_action` event.)
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../github/app-fixtures.js";
import { COORDINATOR, createCoordinatorWorld, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

/** The `Weave-Task` trailers of the branch's own commits, oldest first. */
async function trailers(w: CoordinatorWorld, branch: string): Promise<string[]> {
  return (await w.repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", branch, "^main"])).split("\n").filter(Boolean).reverse();
}

const explained = (w: CoordinatorWorld) => async (e: unknown): Promise<never> => {
  throw new Error(`${(e as Error).message}\n${await w.explain()}`);
};

describe("the coordinator inside Actions: journeys", () => {
  it("a worker job killed with its runner ends failed without a report; the tick requeues it and the new job resumes after the last checkpoint", async () => {
    world = await createCoordinatorWorld({
      plan: "version: 1\nretries: 1\nheartbeat_timeout: 5m\nmerge: { via: direct, auto: auto }\nworker:\n  command: node agent.mjs\nmilestones:\n  - { id: M1, title: Three steps, tasks: [one, two, three] }\n",
      agent: { sleepMs: 200, sleep: { "M1:2": 15_000 } },
    });
    const w = world;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    await waitFor(async () => (await trailers(w, "weave/M1")).includes("1/3"), "the first checkpoint").catch(explained(w));
    const first = await waitFor(async () => (await w.ledger()).milestones.M1?.runId, "the ledger to record the run");
    // The next job must not sleep again on task 2; then the runner dies: SIGKILL, no post step, no report.
    await w.repo.commit({ branch: "main", files: { "agent.json": JSON.stringify({ sleepMs: 200 }) }, message: "agent: no more slow task", silent: true }); // silent: no push event, so no coordinator run
    w.gh.actions.loseRunner(first);
    await waitFor(async () => w.gh.runner.runs.get(first)?.status === "completed", "the lost run to end");
    expect(w.gh.runner.runs.get(first)?.conclusion).toBe("failure");
    // Nothing reported, so no coordinator ran for it; the milestone still looks running until the tick looks.
    await w.gh.settled();
    expect(["claimed", "running"]).toContain((await w.ledger()).milestones.M1?.state);
    const settled = w.gh.actions.schedule("acme/widgets");
    const done = await waitFor(async () => ((await w.ledger()).milestones.M1?.state === "merged" ? w.ledger() : undefined), "M1 merged on its second attempt").catch(explained(w));
    await settled;
    await w.gh.settled();
    const record = done.milestones.M1!;
    expect(record).toMatchObject({ state: "merged", attempts: 2, requeues: 1 });
    expect(record.runId).not.toBe(first);
    // Resumed: task 1 was not done again.
    expect((await w.repo.git.ok(["log", "--format=%(trailers:key=Weave-Task,valueonly)", "main"])).split("\n").filter(Boolean).reverse()).toEqual(["1/3", "2/3", "3/3"]);
    const workers = [...w.gh.runner.runs.values()].filter((r) => r.workflowPath === WORKER);
    expect(workers.map((r) => r.conclusion)).toEqual(["failure", "success"]);
    expect([...w.gh.runner.runs.values()].filter((r) => r.workflowPath === COORDINATOR).map((r) => r.event)).toContain("schedule");
    expect(w.gh.takeViolations()).toEqual([]);
  }, 180_000);

  it("two milestones editing the same lines: the second to finish gets a conflict comment naming the file, and is not run again", async () => {
    world = await createCoordinatorWorld({
      plan: "version: 1\nmax_workers: 2\nmerge: { via: direct, auto: auto }\nworker:\n  command: node agent.mjs\nmilestones:\n  - { id: a, title: First, tasks: [edit] }\n  - { id: b, title: Second, tasks: [edit] }\n",
      files: { "shared.txt": "base\n", "calm.txt": "base\n" },
      agent: { sleepMs: 100, sleep: { "b:1": 4000 }, write: { "a:1": { "shared.txt": "from a\n" }, "b:1": { "shared.txt": "from b\n", "calm.txt": "base\nfrom b\n" } } },
    });
    const w = world;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    const conflicted = await waitFor(async () => ((await w.ledger()).milestones.b?.state === "conflict" ? w.ledger() : undefined), "b to conflict", 120_000).catch(explained(w));
    await w.gh.settled();
    expect(conflicted.milestones.a?.state).toBe("merged");
    expect(conflicted.milestones.b?.conflictFiles).toEqual(["shared.txt"]);
    const { data: comments } = await w.alice.issues.listComments({ ...o, issue_number: w.issue });
    const comment = comments.map((c) => c.body ?? "").find((b) => b.includes("conflicts with `main`"));
    expect(comment, "a conflict comment on the tracking issue").toBeDefined();
    expect([...comment!.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1])).toEqual(["shared.txt"]);
    expect(comment).toContain("/weave merge b");
    expect(comment!.split("\n").some((l) => l.includes("github-actions"))).toBe(false);
    // Main holds a's side; b's work was not re-run: one worker job per milestone.
    expect(await w.repo.readFile("main", "shared.txt")).toBe("from a\n");
    const workers = [...w.gh.runner.runs.values()].filter((r) => r.workflowPath === WORKER);
    expect(workers.map((r) => r.conclusion)).toEqual(["success", "success"]);
    expect((await w.ledger()).milestones.b?.state).toBe("conflict");
    expect(w.gh.takeViolations()).toEqual([]);
  }, 180_000);
});
