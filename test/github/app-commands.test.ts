// Comment commands that must not start anything: refusals, invalid plans, duplicated deliveries.
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const bodies = async (w: AppWorld): Promise<string[]> => (await w.alice.issues.listComments({ owner: "acme", repo: "widgets", issue_number: w.issue })).data.map((c) => c.body ?? "");
const dispatches = (w: AppWorld): number => w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch").length;

describe("App commands", () => {
  it("refuses a commenter without write access, once and politely; ignores bots", async () => {
    world = await createAppWorld();
    const w = world;
    w.gh.users.create("bob");
    const bob = new Octokit({ baseUrl: w.gh.url, auth: w.gh.users.token("bob"), log: quiet });
    await w.comment("/weave start", bob);
    await waitFor(async () => (await bodies(w)).length >= 2, "a reply");
    await w.server.weave.idle();
    const all = await bodies(w);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatch(/@bob thanks — weave commands can only be run by people with write access/);
    expect((await w.ledger()).run).toBeUndefined();
    expect(dispatches(w)).toBe(0);
  });

  it("answers a plan with a cycle with the cycle's path and position, and starts nothing", async () => {
    world = await createAppWorld({ plan: "version: 1\nworker: { command: node agent.mjs }\nmilestones:\n  - { id: A, tasks: [t], depends_on: [B] }\n  - { id: B, tasks: [t], depends_on: [A] }\n" });
    const w = world;
    await w.comment("/weave start");
    const reply = await waitFor(async () => (await bodies(w)).find((b) => b.includes("dependency cycle")), "the plan error");
    expect(reply).toContain("`.github/weave.yml:4:39` dependency cycle: A → B → A");
    expect(dispatches(w)).toBe(0);
  });

  it("replies to unknown verbs and IDs with help, and acts on nothing", async () => {
    world = await createAppWorld();
    const w = world;
    await w.comment("/weave strat");
    await w.comment("/weave pause dta");
    await waitFor(async () => (await bodies(w)).length >= 4, "two replies");
    const all = await bodies(w);
    expect(all.some((b) => b.includes("did you mean `/weave start`?"))).toBe(true);
    expect(all.some((b) => b.includes("`dta` — did you mean `data`?"))).toBe(true);
    expect(dispatches(w)).toBe(0);
  });

  it("acts on no hidden, quoted or mid-sentence /weave, and answers 30 bad commands with one reply", async () => {
    world = await createAppWorld();
    const w = world;
    const hidden = [
      "<!-- /weave start -->", "> /weave start", "> quoted\n/weave start", "Please /weave start now", "```\n/weave start\n```", "text\n\n    /weave start",
    ].join("\n\n");
    const bad = Array.from({ length: 30 }, (_, i) => `/weave frob${i}`).join("\n");
    await w.comment(`${hidden}\n\n${bad}`);
    await waitFor(async () => (await bodies(w)).length >= 2, "a reply");
    await w.server.weave.idle();
    const all = await bodies(w);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatch(/^I did not act on these 30 commands:/);
    for (let i = 0; i < 30; i++) expect(all[1]).toContain(`\`/weave frob${i}\``);
    expect((await w.ledger()).run).toBeUndefined();
    expect(dispatches(w)).toBe(0);
  });

  it("never double-dispatches when deliveries are duplicated and reordered", async () => {
    world = await createAppWorld({ plan: "version: 1\nmax_workers: 2\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: A, tasks: [t] }\n  - { id: B, tasks: [t] }\n", agent: { sleepMs: 100 } });
    const w = world;
    w.gh.webhooks.inject({ fault: "duplicate", event: "issue_comment", times: 3 });
    w.gh.webhooks.inject({ fault: "duplicate", event: "workflow_run", times: 10 });
    w.gh.webhooks.inject({ fault: "duplicate", event: "workflow_job", times: 10 });
    w.gh.webhooks.hold();
    await w.comment("/weave start");
    await w.comment("/weave status");
    w.gh.webhooks.release("reverse");
    await waitFor(async () => Object.values((await w.ledger()).milestones).every((r) => r.state === "finished"), "both to finish");
    await w.gh.settled();
    await w.server.weave.idle();
    expect(dispatches(w)).toBe(2);
    expect((await bodies(w)).filter((b) => b.includes("# Parallel Eligibility Report"))).toHaveLength(1);
  });
});
