/** A skipped dependent runs once the milestone it waited on is resumed and merges (issue 16, must-fix 2). */
import { describe, it } from "vitest";
import { planYaml, repoForTest } from "./local-fixtures.js";

describe("skipped dependents", () => {
  it("run after their failed dependency is resumed and merged; weave start exits 0", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, planYaml(`  - { id: base, tasks: [one] }\n  - { id: top, depends_on: [base], tasks: [two] }\n`).replace("retries: 1", "retries: 0"));
    const first = await repo.weave(["start"], { AGENT_FAIL: "base" });
    expect(first.code).toBe(1);
    expect((await repo.state()).milestones.top!.state).toBe("skipped");
    const early = await repo.weave(["resume", "top"]);
    expect(early.stdout).toContain("base failed");
    const resumed = await repo.weave(["resume", "base"]);
    expect(resumed.code).toBe(0);
    const second = await repo.weave(["start"]);
    expect(second.stdout).toMatch(/2\/2 merged into main/);
    expect(second.code).toBe(0);
  });
});
