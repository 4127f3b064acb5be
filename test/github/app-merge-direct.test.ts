// Direct merges on GitHub end to end: a concurrent push makes weave recompute (never force); merge order.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mirrorFor } from "../../src/github/repo-mirror.js";
import type { RepoMirror } from "../../src/github/repo-mirror.js";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { mergePlan, stateOf, pulls, mainLog, branchExists } from "./merge-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("direct merges", () => {
  it("a push that lands first makes weave recompute on the new head, never force", { timeout: 120_000 }, async () => {
    world = await createAppWorld({
      plan: mergePlan("{ via: direct, auto: auto }", "  - { id: a, title: Direct, tasks: [one] }\n"),
      files: { "notes.md": "base\n" },
      agent: { sleepMs: 200, write: { "a:1": { "notes.md": "from a\n" } } },
    });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => ["claimed", "running"].includes((await stateOf(w, "a")) ?? ""), "a to start");
    const session = w.server.weave.sessions.get("acme/widgets")!;
    const mirror: RepoMirror = await mirrorFor(session, session.client!);
    const push = mirror.push.bind(mirror);
    let concurrent: string | undefined;
    const rejected: string[] = [];
    mirror.push = async (commit, branch) => {
      if (branch === "main" && !concurrent) concurrent = await w.repo.commit({ branch: "main", files: { "theirs.txt": "x\n" }, message: "Concurrent push" });
      const result = await push(commit, branch);
      if (result === "rejected") rejected.push(commit);
      return result;
    };
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land");

    expect(rejected).toHaveLength(1); // the first push lost the race, for real
    const head = (await mainLog(w))[0]!;
    expect(head.commit.message).toContain("Weave-Milestone: a");
    expect(head.parents.map((p) => p.sha)[0]).toBe(concurrent);
    expect(await w.repo.readFile("main", "theirs.txt")).toBe("x\n");
    expect(await w.repo.readFile("main", "notes.md")).toBe("from a\n");
    expect(await branchExists(w, "weave/a")).toBe(false);
    expect(await pulls(w)).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  for (const order of ["sequential", "completion"] as const) {
    it(`order ${order}: ${order === "sequential" ? "a later-finished earlier milestone lands first" : "milestones land as they finish"}`, { timeout: 120_000 }, async () => {
      // slow's task waits for a gate the test opens once quick is done (finished, or landed when the order allows it),
      // so "quick finishes first" holds however busy the machine is.
      const gate = join(await mkdtemp(join(tmpdir(), "weave-gate-")), "open");
      world = await createAppWorld({
        plan: mergePlan(`{ via: direct, auto: auto, order: ${order} }`, "  - { id: slow, title: Slow, tasks: [one] }\n  - { id: quick, title: Quick, tasks: [one] }\n"),
        agent: { sleepMs: 200, gate: { "slow:1": gate } },
      });
      const w = world;
      await w.comment("/weave start");
      const quickDone = order === "sequential" ? ["finished"] : ["merged"];
      await waitFor(async () => quickDone.includes((await stateOf(w, "quick")) ?? ""), `quick to be ${quickDone[0]}`);
      expect(await stateOf(w, "slow")).not.toBe("merged");
      await writeFile(gate, "");
      await waitFor(async () => (await stateOf(w, "slow")) === "merged" && (await stateOf(w, "quick")) === "merged", "both to land");
      const ledger = await w.ledger();
      expect(Date.parse(ledger.milestones.quick!.finishedAt!)).toBeLessThan(Date.parse(ledger.milestones.slow!.finishedAt!));
      const landed = (await mainLog(w)).map((c) => /^Weave-Milestone: (\S+)$/m.exec(c.commit.message)?.[1]).filter((x) => x === "slow" || x === "quick");
      // Newest first: the one that landed last is listed first (checkpoint commits carry the trailer too).
      expect(landed[0]).toBe(order === "sequential" ? "quick" : "slow");
      expect(w.errors).toEqual([]);
    });
  }
});
