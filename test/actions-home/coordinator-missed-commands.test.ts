// No event is lost: a `/weave start` said while GitHub Actions started no workflow runs for the repository (an
// incident: the webhook is delivered, no run is created) is carried out by the next liveness tick, from the comments
// since the ledger's cursor; it is carried out once, and a command whose own run came is not carried out again.
import { afterEach, describe, expect, it } from "vitest";
import { COORDINATOR, allMerged, createCoordinatorWorld, o } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

const ONE = `version: 1
max_workers: 1
heartbeat_timeout: 5m
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: data, title: Data layer, tasks: [model] }
`;

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

describe("the coordinator inside Actions: commands whose own run never came", () => {
  it("carries out a /weave start said during an Actions outage at the next tick, once, and leaves commands that had their run alone", async () => {
    // GitHub's clock, moved back while the comment is made: the comment is ten minutes old when the tick comes.
    let behindMs = 0;
    world = await createCoordinatorWorld({ plan: ONE, agent: { sleepMs: 50 }, now: () => new Date(Date.now() - behindMs) });
    const { gh, alice, ledger, issue } = world;
    const coordinatorRuns = (): { event: string; log: string }[] => [...gh.runner.runs.values()].filter((r) => r.workflowPath === COORDINATOR).map((r) => ({ event: r.event, log: r.jobs.map((j) => j.log).join("\n") }));

    gh.actions.outage("acme/widgets", true);
    behindMs = 10 * 60_000;
    const { data: start } = await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave start" });
    behindMs = 0;
    await gh.settled();
    gh.actions.outage("acme/widgets", false);
    // The event was delivered, but nothing ran: no coordinator, no run in the ledger.
    expect(coordinatorRuns()).toEqual([]);
    expect((await ledger().catch(() => undefined))?.run).toBeUndefined();

    await gh.actions.schedule("acme/widgets");
    const done = await allMerged(world, 1);
    await gh.settled();
    const tick = coordinatorRuns().find((r) => r.event === "schedule");
    expect(tick?.log).toMatch(new RegExp(`the /weave comment ${start.id} on #${issue} had no coordinator run of its own`));
    expect(done.run?.trackingIssue).toBe(issue);
    expect(done.commands?.handled).toContain(start.id);
    const { data: reactions } = await alice.reactions.listForIssueComment({ ...o, comment_id: start.id });
    expect(reactions.map((r) => [r.content, r.user?.login])).toContainEqual(["+1", "github-actions[bot]"]);

    // A command with its own run (made ten minutes ago too, so a tick would take it if it were not marked): carried
    // out by its run and marked, so the next tick leaves it, and the start, alone.
    behindMs = 10 * 60_000;
    const { data: status } = await alice.issues.createComment({ ...o, issue_number: issue, body: "/weave status" });
    behindMs = 0;
    await gh.settled();
    expect(coordinatorRuns().filter((r) => r.event === "issue_comment")).toHaveLength(1);
    expect((await ledger()).commands?.handled).toEqual(expect.arrayContaining([start.id, status.id]));
    await gh.actions.schedule("acme/widgets");
    await gh.settled();
    const ticks = coordinatorRuns().filter((r) => r.event === "schedule");
    expect(ticks).toHaveLength(2);
    expect(ticks[1]!.log).not.toMatch(/had no coordinator run of its own/);
    // One eligibility report: the start was carried out once.
    const { data: comments } = await alice.issues.listComments({ ...o, issue_number: issue, per_page: 100 });
    expect(comments.filter((c) => /^# Parallel Eligibility Report/.test(c.body ?? "")).length).toBe(1);
    expect(gh.takeViolations()).toEqual([]);
  });
});
