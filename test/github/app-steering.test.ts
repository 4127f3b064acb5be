// `/weave tell` on GitHub: a signed comment puts the note in the run ledger; the heartbeat replies carry it to the
// running job, whose next task gets it ($WEAVE_NOTES) and records it in its checkpoint; once a heartbeat says the
// job took it, the reconcile drops it from the ledger — given once, and kept by every reconcile until then. And the
// live budget through the real App: a streaming agent is stopped mid-task once the run's spend crosses the ceiling.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { SAMPLES_DIR } from "../worker/agent-samples.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PLAN = "version: 1\nmerge: { via: pr, auto: manual }\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [one, two, three] }\n";
const AGENT = `import { appendFileSync, writeFileSync } from "node:fs";
const n = Number(process.env.WEAVE_TASK_INDEX);
writeFileSync("notes-" + n + ".txt", (process.env.WEAVE_NOTES ?? "(none)") + "\\n");
await new Promise((r) => setTimeout(r, 2500));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.01 }) + "\\n");
`;
const bodies = async (w: AppWorld): Promise<string[]> => (await w.alice.issues.listComments({ owner: "acme", repo: "widgets", issue_number: w.issue })).data.map((c) => c.body ?? "");

describe("App: /weave tell", () => {
  it("delivers a note to the running job's next task once, records it, and drops it from the ledger when taken", { timeout: 240_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, files: { "agent.mjs": AGENT } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "running", "M1 to run");
    await w.comment("/weave tell m1 use the v2 client");
    await waitFor(async () => (await bodies(w)).find((b) => b.includes("**M1**: will get this with its next task")), "the tell reply");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "finished", "M1 to finish", 180_000);
    const told = [];
    for (const n of [1, 2, 3]) told.push(await w.repo.readFile("weave/M1", `notes-${n}.txt`));
    expect(told.filter((t) => t === "use the v2 client\n")).toHaveLength(1);
    expect(told.filter((t) => t === "(none)\n")).toHaveLength(2);
    const log = await w.repo.git.ok(["log", "--format=%B", "weave/M1", "^main"]);
    expect(log).toContain("Notes given to the agent:\n> use the v2 client");
    await waitFor(async () => (await w.ledger()).milestones.M1?.notes === undefined, "the taken note to leave the ledger");
    expect(w.errors).toEqual([]);
  });

  it("refuses a note before any run has started, or one with no text", { timeout: 120_000 }, async () => {
    world = await createAppWorld({ plan: PLAN });
    const w = world;
    await w.comment("/weave tell M1 hello");
    await waitFor(async () => (await bodies(w)).find((b) => b.includes("No run yet")), "the no-run reply");
    await w.comment("/weave tell M1");
    await waitFor(async () => (await bodies(w)).find((b) => b.includes("needs a milestone ID and the text")), "the usage reply");
    expect((await w.ledger()).run).toBeUndefined();
  });
});

describe("App: the live budget", () => {
  it("stops a streaming claude mid-task once the run's spend crosses the ceiling, within a heartbeat or two", { timeout: 240_000 }, async () => {
    const plan = `version: 1
retries: 0
budget_ceiling: 0.15
merge: { via: pr, auto: manual }
worker:
  agent: claude
  command: node fake-claude.mjs
  prices: { claude-opus-4: { input: 5, output: 25 } }
  heartbeat_interval: 200ms
  task_timeout: 2m
milestones:
  - { id: M1, tasks: [one] }
`;
    // Real stream-json lines ($0.100025 a message), 300 ms apart, no result line, then it hangs.
    const fake = `import { readFileSync } from "node:fs";
for (const line of readFileSync("stream.jsonl", "utf8").split("\\n").filter(Boolean)) {
  if (line.startsWith('{"type":"result"')) continue;
  process.stdout.write(line + "\\n");
  await new Promise((r) => setTimeout(r, 300));
}
setInterval(() => {}, 1000);
`;
    world = await createAppWorld({ plan, files: { "fake-claude.mjs": fake, "stream.jsonl": readFileSync(join(SAMPLES_DIR, "claude-stream-json-error-max-turns.jsonl"), "utf8") } });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.M1?.state === "stopped", "M1 to stop", 180_000);
    const ledger = await w.ledger();
    expect(ledger.run?.budgetStopped).toBe(true);
    expect(ledger.milestones.M1!.costUsd).toBeGreaterThanOrEqual(0.15);
    expect(ledger.milestones.M1!.costUsd).toBeLessThan(0.31);
    expect(w.errors).toEqual([]);
  });
});
