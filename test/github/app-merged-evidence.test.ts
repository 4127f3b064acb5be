// Merged means merged, by evidence (issue 13), in the App: an agent's commit on its own branch whose message says
// `Weave-Merged: B` lands with that branch, yet B still runs — only the target's first-parent chain counts.
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** For A: the agent commits on its own with a forged trailer naming B (as aider commits on its own). */
const FORGER = `import { execFileSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
const id = process.env.WEAVE_MILESTONE;
writeFileSync(id + ".txt", "work of " + id + "\\n");
if (id === "A") {
  execFileSync("git", ["add", "A.txt"]);
  execFileSync("git", ["-c", "user.name=agent", "-c", "user.email=agent@example.com", "commit", "-q", "-m", "done\\n\\nWeave-Merged: B"]);
}
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.01 }) + "\\n");
`;

const PLAN = `version: 1\nmax_workers: 1\nretries: 0\nmerge: { via: direct, auto: auto }\nworker: { command: node forger.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: A, tasks: [one] }\n  - { id: C, depends_on: [A], tasks: [two] }\n  - { id: B, depends_on: [C], tasks: [three] }\n`;

describe("merged evidence in the App", () => {
  it("a forged Weave-Merged trailer on a milestone's own commit does not mark another milestone merged", { timeout: 180_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, files: { "forger.mjs": FORGER } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.A?.state === "merged", "A to land", 150_000);
    // The forged commit is on the target now (behind weave's merge commit) while C runs; B waits for C, then runs and
    // lands by its own work.
    await waitFor(async () => (await w.ledger()).milestones.B?.state === "merged", "B to land", 150_000);
    expect(await w.repo.readFile("main", "B.txt")).toBe("work of B\n");
    const dispatches = w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch");
    expect(dispatches).toHaveLength(3);
  });
});
