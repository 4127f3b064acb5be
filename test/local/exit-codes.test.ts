/** Exit codes and what status shows after a run with a conflict and a scope warning (issue 16, should-fix). */
import { execFile } from "node:child_process";
import { describe, it } from "vitest";
import { BIN, planYaml, repoForTest } from "./local-fixtures.js";

describe("after a run with a conflict", () => {
  it("`weave merge` (all) exits 1 while one still conflicts; status shows scope warnings; status --watch ends", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, planYaml(`  - { id: left, tasks: [w], files: ["declared.txt"] }
  - { id: right, tasks: [w], files: ["shared.txt"] }
`));
    const run = await repo.weave(["start"], {
      AGENT_FILES: JSON.stringify({ left: "shared.txt", right: "shared.txt" }),
      AGENT_SLEEP_BY: JSON.stringify({ left: 100, right: 1200 }),
    });
    expect(run.code, run.stdout).toBe(3);
    const merge = await repo.weave(["merge"]);
    expect(merge.stdout).toMatch(/right: conflict/);
    expect(merge.code).toBe(1);

    const status = JSON.parse((await repo.weave(["status", "--json"])).stdout) as { milestones: { id: string; scopeWarnings?: string[]; note?: string }[] };
    const left = status.milestones.find((m) => m.id === "left")!;
    expect(left.scopeWarnings).toEqual(["shared.txt"]);
    expect((await repo.weave(["status"])).stdout).toMatch(/outside declared files: shared\.txt/);

    const watch = await new Promise<{ code: number | null; stdout: string }>((done) => {
      execFile(process.execPath, [BIN, "status", "--watch"], { cwd: repo.dir, timeout: 15_000 }, (e, stdout) => done({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, stdout }));
    });
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain("Nothing is running: the watch ends.");
  });
});
