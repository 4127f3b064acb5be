// No event lost under a burst: a comment's only record of a `/weave` command is its event, so each comment's
// coordinator run must happen. The coordinator workflow's `concurrency: { group: weave-coordinator, queue: max }`
// keeps every pending run (GitHub's default keeps one and cancels the older pending runs). Here a coordinator run is
// held in flight (the stand-in's gate, not the clock) while four commands are posted back to back; each waits as a
// pending run, none is cancelled, they run one at a time in the order posted, and each takes effect in that order.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../github/app-fixtures.js";
import { allMerged, COORDINATOR, createCoordinatorWorld, o } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

const PLAN = `version: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
milestones:
  - { id: a, title: First, tasks: [one] }
  - { id: b, title: Second, depends_on: [a], tasks: [two] }
`;
// Each task writes the notes it was given; a's task waits for the test's gate, so b stays pending through the burst.
const AGENT = `import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
const { gate } = JSON.parse(readFileSync("agent.json", "utf8"));
const id = process.env.WEAVE_MILESTONE;
writeFileSync("notes-" + id + ".txt", (process.env.WEAVE_NOTES ?? "(none)") + "\\n");
for (let waited = 0; id === "a" && !existsSync(gate) && waited < 120000; waited += 50) await new Promise((r) => setTimeout(r, 50));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.01 }) + "\\n");
`;

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

const coordinatorRuns = (w: CoordinatorWorld): ReturnType<CoordinatorWorld["gh"]["actions"]["run"]>[] =>
  [...w.gh.runner.runs.values()].filter((r) => r.workflowPath === COORDINATOR).sort((x, y) => x.id - y.id);

describe("the coordinator inside Actions under a burst of commands", () => {
  it("queues a coordinator run per comment while one is in flight (none cancelled) and applies the commands in order", async () => {
    const gate = join(await mkdtemp(join(tmpdir(), "weave-burst-")), "gate");
    world = await createCoordinatorWorld({ plan: PLAN, agent: { gate }, files: { "agent.mjs": AGENT } });
    const w = world;
    const comment = async (body: string): Promise<number> => (await w.alice.issues.createComment({ ...o, issue_number: w.issue, body })).data.id;
    await comment("/weave start");
    // a's job runs (held by its gate) and the start's coordinator run is over.
    await waitFor(async () => (await w.ledger()).milestones.a?.runId !== undefined && coordinatorRuns(w).every((r) => r.status === "completed"), "a dispatched, the start's pass done", 60_000);

    // A coordinator run in flight: held in progress by the stand-in before its step.
    const held = w.gh.actions.hold(COORDINATOR);
    const before = coordinatorRuns(w).length;
    await comment("/weave status");
    const inFlight = await waitFor(async () => coordinatorRuns(w).slice(before).find((r) => r.status === "in_progress"), "the status run in flight");
    // The burst, back to back; each comment's run is created before the next is posted, so their order is the posting order.
    // (Order-sensitive on a pending milestone: `pause` applies to a running job only; `stop` then `resume` in the
    // other order would leave b stopped, and the notes would swap.)
    const burst = ["/weave stop b", "/weave tell b first note", "/weave resume b", "/weave tell b second note"];
    const ids: number[] = [];
    for (const [i, body] of burst.entries()) {
      ids.push(await comment(body));
      await waitFor(async () => coordinatorRuns(w).length === before + 2 + i, `the run for "${body}"`);
    }
    const queued = coordinatorRuns(w).slice(before);
    // One in flight, four waiting: with GitHub's default concurrency the older pending ones would be cancelled now.
    expect(queued.map((r) => [r.event, r.status])).toEqual([["issue_comment", "in_progress"], ...burst.map(() => ["issue_comment", "pending"])]);
    expect(queued[0]).toBe(inFlight);

    held.release();
    await waitFor(async () => coordinatorRuns(w).every((r) => r.status === "completed"), "every queued coordinator run done", 120_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await w.explain()}`);
    });
    const done = coordinatorRuns(w).slice(before);
    expect(done.map((r) => r.conclusion)).toEqual(["success", "success", "success", "success", "success"]);
    // One at a time, in the order posted: each started after the one before it ended.
    for (let i = 1; i < done.length; i++) expect(done[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(done[i - 1]!.updatedAt.getTime());
    expect(done.map((r) => (r.trigger?.payload as { comment?: { id?: number } } | undefined)?.comment?.id).slice(1)).toEqual(ids);

    // Each took effect, in order: stopped, told while stopped, resumed, told again — b is not stopped, holds both
    // notes in the order given, and weave answered each command in turn.
    const ledger = await w.ledger();
    const after = ledger.milestones.b!;
    // (Resumed, b waits for a: not dispatched while a has not landed.)
    expect(after).toMatchObject({ state: "eligible", reason: "resumed by @alice", attempts: 0 });
    expect(after.signal).toBeUndefined();
    expect(after.notes?.map((n) => n.text)).toEqual(["first note", "second note"]);
    const { data: comments } = await w.alice.issues.listComments({ ...o, issue_number: w.issue, per_page: 100 });
    const replies = comments.filter((c) => c.user?.login === "github-actions[bot]" && c.id > ids[0]! && c.id !== ledger.run?.commentId).map((c) => c.body ?? "");
    expect(replies).toEqual([
      "- **b**: stopped; `/weave resume b` starts it again",
      "- **b**: will get this with its next task (it is stopped now)",
      "- **b**: will resume from its last checkpoint",
      "- **b**: will get this with its next task (it is eligible now)",
    ]);

    // The notes reach b's task once a lands and b runs.
    await writeFile(gate, "");
    await allMerged(w, 2, 120_000);
    await w.gh.settled();
    expect((await w.watcher.readFile("notes-b.txt", "main"))?.text).toBe("first note\nsecond note\n");
    expect(coordinatorRuns(w).every((r) => r.conclusion === "success")).toBe(true);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);
});
