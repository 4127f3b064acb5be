/**
 * Issue 12: `weave merge <ID>` of a milestone left `merging` (its coordinator died mid-merge) merges it, as the App's
 * `/weave merge` does (before: "merging (nothing to merge)", exit 1, and no way on but editing the state file).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpoints, repoForTest } from "./local-fixtures.js";

describe("weave merge of a merging milestone", () => {
  it("merges it", async (t) => {
    const plan = `version: 1\nmax_workers: 1\nretries: 0\nmerge: { via: direct, auto: confirm, order: completion }\nworker:\n  command: node agent.mjs\nmilestones:\n  - { id: a, tasks: [one], files: ["out/a-*"] }\n`;
    const repo = await repoForTest(t, plan);
    const run = await repo.weave(["start"]);
    expect(run.code, run.stdout).toBe(3);
    expect((await repo.state()).milestones.a!.state).toBe("finished");
    // What a coordinator killed inside mergeOne leaves behind.
    const path = join(repo.dir, ".weave/state.json");
    const raw = JSON.parse(await readFile(path, "utf8")) as { milestones: Record<string, { state: string }> };
    raw.milestones.a!.state = "merging";
    await writeFile(path, JSON.stringify(raw, null, 2));

    const merge = await repo.weave(["merge", "a"]);
    expect(merge.stdout).toContain("a: merged into main");
    expect(merge.code, merge.stdout + merge.stderr).toBe(0);
    expect((await repo.state()).milestones.a!.state).toBe("merged");
    expect(checkpoints(repo, "main")).toEqual(["a 1/1"]);
  });
});
