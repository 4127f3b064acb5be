/**
 * Gate: one coordinator per repository. A second `weave start` while the first runs refuses, naming the first's PID,
 * and changes nothing; the first run finishes normally.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collect, createTestRepo, planYaml, trailerValues, waitFor } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("two coordinators on one repository", () => {
  it("the second `weave start` refuses with the first's PID and the first run is unaffected", async () => {
    repo = await createTestRepo(planYaml(`  - { id: long, tasks: [one, two], files: ["out/**"] }
`));
    const first = repo.spawnWeave(["start"], { AGENT_SLEEP_MS: "1000" });
    const firstRun = collect(first);
    await waitFor(async () => ((await repo!.state()).milestones.long!.state === "running" ? true : undefined), 30_000, "long to run");
    const during = await repo.state();

    const second = await repo.weave(["start"], { AGENT_SLEEP_MS: "1000" });
    expect(second.code).not.toBe(0);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain(`another weave coordinator (PID ${first.pid}) is running in this repository`);
    expect(second.stderr).toMatch(/^hint: .*weave status/m);
    expect(second.stderr).not.toMatch(/^\s+at /m);
    // The lock still names the first coordinator, and the second did not touch the run.
    expect(existsSync(join(repo.dir, ".weave/coordinator.lock"))).toBe(true);
    const afterRefusal = await repo.state();
    expect(afterRefusal.runId).toBe(during.runId);
    expect(afterRefusal.milestones.long!.attempts).toBe(1);
    expect(afterRefusal.events.some((e) => e.kind === "resumed")).toBe(false);

    const done = await firstRun.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(trailerValues(repo, "main", "Weave-Merged")).toEqual(["long"]);
    const final = await repo.state();
    expect(final.milestones.long!.attempts).toBe(1);
    expect(existsSync(join(repo.dir, ".weave/coordinator.lock"))).toBe(false);
  });
});
