// Un-skip through the App: a milestone that failed for good skips its dependent; a person's `/weave resume <failed>`
// runs it again, and once it is no longer failed the dependent's skip lifts (decide()'s "unskip", applied by
// github/reconcile-repo.ts): it goes back to pending, then runs and lands when its dependency has merged.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
let flagDir: string | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  if (flagDir) await rm(flagDir, { recursive: true, force: true });
  flagDir = undefined;
});

// retries: 1 — A's task fails, is retried once, and A fails for good; landing is direct and automatic.
const PLAN = `version: 1
retries: 1
heartbeat_timeout: 60s
merge: { via: direct, auto: auto }
worker: { command: node agent.mjs, heartbeat_interval: 200ms }
milestones:
  - { id: A, tasks: [one] }
  - { id: B, depends_on: [A], tasks: [two] }
`;

/** A exits 1 until the test creates the flag file (outside the repository, so no checkout carries it); B always works. */
const agent = (flag: string): string => `import { appendFileSync, existsSync, writeFileSync } from "node:fs";
const id = process.env.WEAVE_MILESTONE;
if (id === "A" && !existsSync(${JSON.stringify(flag)})) {
  process.stderr.write("A is broken today\\n");
  process.exit(1);
}
writeFileSync(id + ".txt", process.env.WEAVE_TASK + "\\n");
// Long enough that B's lifted skip can be seen before A lands.
await new Promise((r) => setTimeout(r, id === "A" ? 1500 : 200));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.1 }) + "\\n");
`;

describe("App: un-skip", () => {
  it("a failed milestone's dependent is skipped; /weave resume of the failed one lifts the skip, and both run and merge", { timeout: 240_000 }, async () => {
    flagDir = await mkdtemp(join(tmpdir(), "weave-unskip-"));
    const flag = join(flagDir, "A-works");
    world = await createAppWorld({ plan: PLAN, files: { "agent.mjs": agent(flag) } });
    const w = world;
    await w.comment("/weave start");

    const failed = await waitFor(async () => {
      const a = (await w.ledger()).milestones.A;
      return a?.state === "failed" ? a : undefined;
    }, "A to fail");
    // Failed for the scripted reason, after its retry.
    expect(failed.reason).toContain("failed after 2 attempts: exit 1");
    const skipped = await waitFor(async () => {
      const b = (await w.ledger()).milestones.B;
      return b?.state === "skipped" ? b : undefined;
    }, "B to be skipped");
    expect(skipped.reason).toContain("A");
    // B never started: no dispatch of it, nothing on its branch.
    expect(skipped.attempts).toBe(0);
    expect(await w.repo.head("weave/B")).toBeUndefined();

    await writeFile(flag, "");
    await w.comment("/weave resume A");

    // A is no longer failed: B's skip lifts while A runs again (before A lands).
    const lifted = await waitFor(async () => {
      const l = await w.ledger();
      return l.milestones.B?.state === "pending" ? l : undefined;
    }, "B's skip to lift", 60_000);
    expect(lifted.milestones.A!.state).not.toBe("merged");
    expect(lifted.milestones.B!.reason).toBe("its failed dependency is no longer failed");

    await waitFor(async () => (await w.ledger()).milestones.A?.state === "merged", "A to merge");
    await waitFor(async () => (await w.ledger()).milestones.B?.state === "merged", "B to run and merge");
    const final = await w.ledger();
    expect(final.milestones.A!.attempts).toBe(2);
    expect(final.milestones.B).toMatchObject({ attempts: 1, tasksDone: 1 });
    expect(await w.repo.readFile("main", "A.txt")).toBe("one\n");
    expect(await w.repo.readFile("main", "B.txt")).toBe("two\n");
    expect(w.errors).toEqual([]);
  });
});
