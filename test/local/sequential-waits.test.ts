/** merge.order: sequential says why a finished milestone waits (issue 16, must-fix 5). */
import { describe, it } from "vitest";
import { planYaml, repoForTest } from "./local-fixtures.js";

describe("merge.order: sequential", () => {
  it("a conflicted milestone holds back later finished ones, and the summary names it", async (test) => {
    const { expect } = test;
    const plan = planYaml(`  - { id: left, tasks: [w], files: ["shared.txt"] }
  - { id: right, tasks: [w], files: ["shared.txt"] }
  - { id: later, tasks: [w], files: ["out/later-*"] }
`).replace("order: completion", "order: sequential").replace("max_workers: 2", "max_workers: 3");
    const repo = await repoForTest(test, plan);
    const run = await repo.weave(["start"], { AGENT_FILES: JSON.stringify({ left: "shared.txt", right: "shared.txt" }) });
    expect(run.code, run.stdout).toBe(3);
    const state = await repo.state();
    expect(state.milestones.right!.state).toBe("conflict");
    expect(state.milestones.later!.state).toBe("finished");
    expect(run.stdout).toMatch(/later\s+finished — waits for right \(conflict\) to land first \(merge\.order: sequential\); `weave merge later` lands it now/);
  });
});
