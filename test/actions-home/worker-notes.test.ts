// `/weave tell` in the Actions home: no heartbeat reply exists to carry a note, so the running worker picks it up
// from the ledger it re-reads at each heartbeat and hands it to the agent's next task as the App home does
// ($WEAVE_NOTES, and the checkpoint records it); given once; acknowledged on the job's check run and in its closing
// report, so the coordinator drops it from the ledger.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readWorkerCheckClaim } from "../../src/action/worker-check-run.js";
import { waitFor } from "../github/app-fixtures.js";
import { createCoordinatorWorld, o } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

const PLAN = `version: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
  heartbeat_interval: 1s
milestones:
  - { id: M1, title: Told, tasks: [one, two, three] }
`;
// Task 1 waits for the test's gate file, so the note is in the ledger before task 2 starts; task 2 waits for a second
// gate, opened once the job's check run acknowledges the note (a heartbeat's write, not a race with the job's end).
const AGENT = `import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
const { gate, gate2 } = JSON.parse(readFileSync("agent.json", "utf8"));
const n = Number(process.env.WEAVE_TASK_INDEX);
writeFileSync("notes-" + n + ".txt", (process.env.WEAVE_NOTES ?? "(none)") + "\\n");
const wait = n === 1 ? gate : n === 2 ? gate2 : undefined;
for (let waited = 0; wait && !existsSync(wait) && waited < 120000; waited += 50) await new Promise((r) => setTimeout(r, 50));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.01 }) + "\\n");
`;

describe("/weave tell in the Actions home", () => {
  it("reaches the running job through the ledger: its next task gets the note once, and the taken note leaves the ledger", async () => {
    const gates = await mkdtemp(join(tmpdir(), "weave-notes-"));
    const [gate, gate2] = [join(gates, "gate"), join(gates, "gate2")];
    world = await createCoordinatorWorld({ plan: PLAN, agent: { gate, gate2 }, files: { "agent.mjs": AGENT } });
    const w = world;
    const comment = async (body: string): Promise<void> => void (await w.alice.issues.createComment({ ...o, issue_number: w.issue, body }));
    await comment("/weave start");
    const running = await waitFor(async () => {
      const r = (await w.ledger()).milestones.M1;
      return r?.state === "running" || (r?.runId !== undefined && r.checkRunId !== undefined) ? r : undefined;
    }, "M1 dispatched", 60_000);
    await comment("/weave tell m1 use the v2 client");
    const noted = await waitFor(async () => (await w.ledger()).milestones.M1?.notes?.[0], "the note in the ledger", 60_000).catch(async (e: unknown) => {
      console.log(await w.explain());
      throw e;
    });
    // Let the worker read the ledger (every heartbeat, 1 s) before task 1 ends.
    await new Promise((r) => setTimeout(r, 3000));
    await writeFile(gate, "");
    // Acknowledged on the job's check run while it runs (task 2 holds until then).
    const claimed = async (): Promise<readonly string[] | undefined> => readWorkerCheckClaim((await w.alice.checks.get({ ...o, check_run_id: running.checkRunId! })).data.output.text)?.notes_seen;
    expect(await waitFor(async () => ((await claimed())?.length ? claimed() : undefined), "the note acknowledged on the check run", 60_000)).toEqual([noted.id]);
    await writeFile(gate2, "");
    const done = await waitFor(async () => ((await w.ledger()).milestones.M1?.state === "merged" ? w.ledger() : undefined), "M1 merged", 120_000).catch(async (e: unknown) => {
      console.log(await w.explain());
      throw e;
    });
    await w.gh.settled();
    const told: (string | undefined)[] = [];
    for (const n of [1, 2, 3]) told.push((await w.watcher.readFile(`notes-${n}.txt`, "main"))?.text);
    expect(told).toEqual(["(none)\n", "use the v2 client\n", "(none)\n"]);
    const { data: commits } = await w.alice.repos.listCommits({ ...o, sha: "main", per_page: 100 });
    expect(commits.map((c) => c.commit.message).join("\n")).toContain("Notes given to the agent:\n> use the v2 client");
    // Acknowledged in its closing report too: the coordinator dropped it.
    expect(done.milestones.M1?.notes).toBeUndefined();
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);
});
