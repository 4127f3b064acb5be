// Merge conflicts on GitHub end to end: the files git reports, commented on the PR and the issue; a retry after a
// person resolved them lands.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { R, mainLog, mergePlan, stateOf, issueComments } from "./merge-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("conflicts", () => {
  it("comments the files git reports on the PR and the issue, never reruns the milestone, and lands a retry after a person resolved them", { timeout: 180_000 }, async () => {
    world = await createAppWorld({
      plan: mergePlan("{ via: pr, auto: auto }", "  - { id: a, title: Edits, tasks: [one, two] }\n"),
      files: { "shared.txt": "base\n", "other.txt": "base\n", "calm.txt": "base\n" },
      agent: { sleepMs: 200, sleep: { "a:1": 3000 }, write: { "a:1": { "shared.txt": "from a\n", "other.txt": "from a\n", "calm.txt": "base\nmore from a\n" } } },
    });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => ["claimed", "running"].includes((await stateOf(w, "a")) ?? ""), "a to start");
    await w.repo.commit({ branch: "main", files: { "shared.txt": "from main\n", "other.txt": "from main\n", "unrelated.txt": "x\n" }, message: "Meanwhile on main" });
    await waitFor(async () => (await stateOf(w, "a")) === "conflict", "a to conflict");

    const record = (await w.ledger()).milestones.a!;
    expect(record.conflictFiles).toEqual(["other.txt", "shared.txt"]);
    const onPr = (await issueComments(w, record.pr!)).find((b) => b.includes("conflicts with `main`"))!;
    const onIssue = (await issueComments(w, w.issue)).find((b) => b.includes("conflicts with `main`"))!;
    for (const body of [onPr, onIssue]) {
      const listed = [...body.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
      expect(listed).toEqual(["other.txt", "shared.txt"]);
      expect(body).toContain("Meanwhile on main");
      expect(body).toContain("/weave merge a");
    }
    await w.server.weave.idle();
    expect(w.gh.callCounts(`installation:${w.installation.id}`)["actions/create-workflow-dispatch"]).toBe(1);

    // A person resolves on the branch and asks again.
    const dir = mkdtempSync(join(tmpdir(), "weave-resolve-"));
    try {
      const url = w.repo.cloneUrl.replace("://", `://x-access-token:${w.gh.users.token("alice")}@`);
      // Asynchronous git: the stand-in answers from this very process.
      const git = (...args: string[]) => promisify(execFile)("git", ["-C", dir, ...args]);
      await promisify(execFile)("git", ["clone", "-q", "--branch", "weave/a", url, dir]);
      await git("config", "user.email", "alice@example.com");
      await git("config", "user.name", "alice");
      await expect(git("merge", "-q", "--no-edit", "origin/main")).rejects.toThrow(); // it conflicts, as weave said
      writeFileSync(join(dir, "shared.txt"), "resolved\n");
      writeFileSync(join(dir, "other.txt"), "resolved\n");
      await git("add", "-A");
      await git("commit", "-q", "-m", "Resolve conflicts with main");
      await git("push", "-q", "origin", "weave/a");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await w.comment("/weave merge a");
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land after the resolution");
    expect(await w.repo.readFile("main", "shared.txt")).toBe("resolved\n");
    // The PR (opened before the conflict) was updated to show the commits that landed.
    const pr = (await w.alice.pulls.get({ ...R, pull_number: record.pr! })).data;
    expect(pr.merged).toBe(true);
    expect(pr.body).toContain("Resolve conflicts with main");
    expect(await w.repo.readFile("main", "unrelated.txt")).toBe("x\n");
    expect(w.errors).toEqual([]);
  });

  it("merge.resolve: agent dispatches a resolve job, and its merge lands", { timeout: 180_000 }, async () => {
    world = await createAppWorld({
      plan: mergePlan("{ via: pr, auto: auto, resolve: agent }", "  - { id: a, title: Edits, tasks: [one] }\n"),
      files: { "shared.txt": "base\n" },
      agent: { sleepMs: 200, sleep: { "a:1": 3000 }, write: { "a:1": { "shared.txt": "from a\n" } } },
    });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => ["claimed", "running"].includes((await stateOf(w, "a")) ?? ""), "a to start");
    await w.repo.commit({ branch: "main", files: { "shared.txt": "from main\n" }, message: "Meanwhile on main" });
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land after the agent resolved it");

    expect(await w.repo.readFile("main", "shared.txt")).toBe("resolved by the agent\n");
    expect(w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch")).toHaveLength(2);
    expect(w.gh.actions.run((await w.ledger()).milestones.a!.runId!).inputs.mode).toBe("resolve");
    const log = (await mainLog(w)).map((c) => c.commit.message);
    expect(log.some((m) => m.startsWith("weave: resolve conflicts of a with main") && m.includes("Weave-Resolve: main"))).toBe(true);
    expect((await issueComments(w, w.issue)).some((b) => b.includes("conflicts with `main`") && b.includes("`merge.resolve: agent`"))).toBe(true);
    const record = (await w.ledger()).milestones.a!;
    expect(record.costUsd).toBeCloseTo(0.15);
    expect(w.errors).toEqual([]);
  });
});

