// Every failure to post is itself reported (issue 13): when GitHub refuses the App's reply to a signed command
// webhook (a 422) or its check run (a 403), the App posts one short fallback comment saying what failed and where
// to look — never the text that failed — and only once however often the write fails again.
import { afterEach, describe, expect, it } from "vitest";
import { COMMAND_HELP } from "../../src/core/commands.js";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const bodies = async (w: AppWorld): Promise<string[]> => (await w.alice.issues.listComments({ owner: "acme", repo: "widgets", issue_number: w.issue })).data.map((c) => c.body ?? "");
const isHelp = (body: Record<string, unknown>): boolean => typeof body.body === "string" && body.body.includes("| command | what it does |");

describe("a write GitHub refuses", () => {
  it("a refused reply (422): one fallback comment naming what failed, without the refused text, however often it fails", { timeout: 60_000 }, async () => {
    world = await createAppWorld({ quirks: { refuse: [{ operation: "issues/create-comment", status: 422, message: "Validation Failed: Body is too long (maximum is 65536 characters) | command | what it does |", when: isHelp }] } });
    const w = world;
    await w.comment("/weave help");
    const fallback = await waitFor(async () => (await bodies(w)).find((b) => b.includes("weave could not post")), "the fallback comment");
    expect(fallback).toContain("could not post a comment here");
    expect(fallback).toContain("HTTP 422");
    expect(fallback).toContain("The App's log has the details");
    expect(fallback).not.toContain("what it does"); // neither the refused text nor GitHub's words quoting it
    expect(fallback).not.toContain(COMMAND_HELP.split("\n")[2]!);

    await w.comment("/weave help");
    await waitFor(async () => w.errors.length >= 2, "the second refusal");
    await w.server.weave.idle();
    const all = await bodies(w);
    expect(all.filter((b) => b.includes("weave could not post"))).toHaveLength(1);
    expect(all.some((b) => b.includes("| command | what it does |"))).toBe(false);
    expect(w.errors.every((e) => /422/.test(e))).toBe(true);
    w.errors.length = 0;
  });

  it("a refused check run (403): the fallback goes to the run's tracking issue, once", { timeout: 60_000 }, async () => {
    world = await createAppWorld({
      plan: "version: 1\nworker: { command: node agent.mjs }\nmilestones:\n  - { id: solo, tasks: [t] }\n",
      quirks: { refuse: [{ operation: "checks/create", status: 403, message: "Resource not accessible by integration" }] },
    });
    const w = world;
    await w.comment("/weave start");
    const fallback = await waitFor(async () => (await bodies(w)).find((b) => b.includes("weave could not post")), "the fallback comment");
    expect(fallback).toContain("could not post the check run");
    expect(fallback).toContain("HTTP 403");
    expect(fallback).not.toContain("Resource not accessible");
    await w.comment("/weave status");
    await w.server.weave.idle();
    expect((await bodies(w)).filter((b) => b.includes("weave could not post"))).toHaveLength(1);
    expect((await w.ledger()).run?.trackingIssue).toBe(w.issue);
    w.errors.length = 0;
  });
});
