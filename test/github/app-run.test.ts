// The weave App end to end: real signed webhooks from the stand-in to the App's HTTP server, the real bundled Action
// as jobs, heartbeats with OIDC tokens; the test merges finished milestones as a user would.
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, mergeAsUser, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const stateOf = async (w: AppWorld, id: string): Promise<string | undefined> => (await w.ledger()).milestones[id]?.state;

describe("weave App", () => {
  it("runs the diamond: dispatches what is eligible, then dependents once their dependencies are on main", { timeout: 240_000 }, async () => {
    world = await createAppWorld({ agent: { sleepMs: 300 } });
    const w = world;
    const commentId = await w.comment("Let's go.\n/weave start");

    await waitFor(async () => (await stateOf(w, "data")) === "finished", "data to finish");
    const comments = (await w.alice.issues.listComments({ owner: "acme", repo: "widgets", issue_number: w.issue })).data.map((c) => c.body ?? "");
    expect(comments.some((b) => b.includes("## Eligible for Parallel Execution (1)"))).toBe(true);
    expect(comments.some((b) => b.startsWith("<!-- weave:status -->"))).toBe(true);
    const reactions = (await w.alice.reactions.listForIssueComment({ owner: "acme", repo: "widgets", comment_id: commentId })).data;
    expect(reactions.map((r) => r.content)).toContain("+1");
    // Nothing else started: api and ui wait for data to be on main.
    expect(await stateOf(w, "api")).toBe("pending");

    await mergeAsUser(w, "data");
    await waitFor(async () => w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch").length === 3, "api and ui to be dispatched");
    await waitFor(async () => (await stateOf(w, "api")) === "finished" && (await stateOf(w, "ui")) === "finished", "api and ui to finish");
    const ledger = await w.ledger();
    const api = w.gh.actions.run(ledger.milestones.api!.runId!);
    const ui = w.gh.actions.run(ledger.milestones.ui!.runId!);
    // weave dispatched them side by side: each run was created before the other ended (when a busy runner starts a
    // process is the runner's affair, not weave's).
    expect(api.createdAt.getTime()).toBeLessThan(ui.updatedAt.getTime());
    expect(ui.createdAt.getTime()).toBeLessThan(api.updatedAt.getTime());
    expect(await stateOf(w, "integration")).toBe("pending");

    await mergeAsUser(w, "api");
    await mergeAsUser(w, "ui");
    await waitFor(async () => (await stateOf(w, "integration")) === "finished", "integration to finish");
    await mergeAsUser(w, "integration");
    await waitFor(async () => Object.values((await w.ledger()).milestones).every((r) => r.state === "merged"), "everything merged");

    // Check runs and the comment follow the ledger on their own chain (they wait on the write throttle): let them.
    await w.server.weave.idle();
    const final = await w.ledger();
    expect(final.milestones.data).toMatchObject({ tasksDone: 2, attempts: 1 });
    expect(final.milestones.data!.costUsd).toBeCloseTo(0.2);
    // One dispatch per milestone, one check run each, completed.
    expect(w.gh.callCounts(`installation:${w.installation.id}`)["actions/create-workflow-dispatch"]).toBe(4);
    for (const [id, r] of Object.entries(final.milestones)) {
      const check = (await w.alice.checks.get({ owner: "acme", repo: "widgets", check_run_id: r.checkRunId! })).data;
      expect(check, id).toMatchObject({ name: `weave / ${id}`, status: "completed", conclusion: "success", external_id: id });
    }
    const status = (await w.alice.issues.listComments({ owner: "acme", repo: "widgets", issue_number: w.issue })).data.find((c) => c.body?.startsWith("<!-- weave:status -->"))!;
    await waitFor(async () => ((await w.alice.issues.getComment({ owner: "acme", repo: "widgets", comment_id: status.id })).data.body ?? "").includes("4/4 merged"), "the status comment to show 4/4 merged");
    const body = (await w.alice.issues.getComment({ owner: "acme", repo: "widgets", comment_id: status.id })).data.body!;
    expect(body).toContain("```mermaid");
    expect(body).toMatch(/\| \*\*integration\*\* \| merged \| 1\/1 \|/);
  });
});
