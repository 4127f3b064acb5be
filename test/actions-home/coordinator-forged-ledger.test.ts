// The ledger is weave's alone in the Actions home too (issues 13 and 18): a worker job's agent holding the job's
// GITHUB_TOKEN pushes a forged commit to refs/weave/state that marks another milestone merged. The next coordinator
// pass (keyed by WEAVE_LEDGER_KEY, which no worker job holds) does not believe it: the dependent is not dispatched,
// the pass carries on from the newest commit whose MAC holds and writes its own on top, and the tracking issue hears
// about it once, in weave's words.
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { verifyLedgerMac } from "../../src/core/ledger-mac.js";
import { ledgerGuardFor } from "../../src/github/ledger.js";
import { waitFor } from "../github/app-fixtures.js";
import { forgeMerged } from "../github/forge-ledger.js";
import { COORDINATOR, createCoordinatorWorld, LEDGER_KEY, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

let world: CoordinatorWorld | undefined;
const live: number[] = [];
const dirs: string[] = [];
afterEach(async () => {
  // The scripted agents sleep long so the runs stay live while the ledger is attacked: end them before closing.
  for (const id of live.splice(0)) {
    try {
      world?.gh.actions.loseRunner(id);
    } catch {
      // already over
    }
  }
  await world?.gh.close();
  world = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
}, 120_000);

// M1 is the attacker's milestone; X runs beside it; Y waits for X.
const PLAN = `version: 1\nmax_workers: 2\nretries: 0\nheartbeat_timeout: 10m\nmerge: { via: direct, auto: auto }\nworker: { command: node agent.mjs }\nmilestones:\n  - { id: M1, tasks: [one] }\n  - { id: X, tasks: [one] }\n  - { id: Y, depends_on: [X], tasks: [one] }\n`;
const ALARM = "the run ledger was changed by someone other than weave";

describe("a forged ledger in the Actions home", () => {
  it("pushed by a job's agent is not believed by the next coordinator pass: no dependent starts, the issue hears it once", { timeout: 240_000 }, async () => {
    world = await createCoordinatorWorld({ plan: PLAN, agent: { sleepMs: 120_000 } });
    const w = world;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    const runs = await waitFor(async () => {
      const l = await w.ledger();
      return l.milestones.M1?.runId && l.milestones.X?.runId ? [l.milestones.M1.runId, l.milestones.X.runId] : undefined;
    }, "M1 and X dispatched");
    live.push(...runs);
    const job = w.gh.actions.run(runs[0]!).jobs[0]!;
    const token = job.env.INPUT_TOKEN || job.env.GITHUB_TOKEN;
    expect(token, "the job's push token").toBeTruthy();
    const passes = () => [...w.gh.runner.runs.values()].filter((r) => r.workflowPath === COORDINATOR);
    await waitFor(async () => passes().every((r) => r.status === "completed") || undefined, "the start's coordinator pass to end");

    const forged = await forgeMerged(w.repo.cloneUrl, token!, "X", dirs);
    // Any event starts a pass; a person asking for the status is the plainest.
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave status" });
    const alarmed = async () => (await w.alice.issues.listComments({ ...o, issue_number: w.issue })).data.filter((c) => (c.body ?? "").includes(ALARM));
    await waitFor(async () => (await alarmed()).length > 0, "the alarm on the tracking issue", 120_000).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}\n${await w.explain()}`);
    });
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave status" });
    await waitFor(async () => passes().length >= 3 && passes().every((r) => r.status === "completed") || undefined, "the passes to end");

    // The ledger is weave's again: a signed commit on top of the forged one (nothing force-pushed), X as it was.
    const head = (await w.alice.git.getRef({ ...o, ref: "weave/state" })).data.object.sha;
    expect(head).not.toBe(forged);
    const { data: history } = await w.alice.repos.listCommits({ ...o, sha: head, per_page: 100 });
    expect(history.map((c) => c.sha)).toContain(forged);
    const { data: commit } = await w.alice.git.getCommit({ ...o, commit_sha: head });
    const key = ledgerGuardFor({ webhookSecret: "", ledgerSecret: LEDGER_KEY }).key;
    expect(verifyLedgerMac(key, commit.message, { repositoryId: w.repo.record.id, parents: commit.parents.map((p) => p.sha), state: (await w.repo.readFile(head, "state.json"))! }).ok).toBe(true);
    const ledger = await w.ledger();
    expect(["claimed", "running"]).toContain(ledger.milestones.X!.state);
    expect(ledger.milestones.X!.reason ?? "").not.toContain("FORGED");
    expect(ledger.milestones.Y!.state).toBe("pending");
    // Y was never dispatched: two worker runs, M1's and X's.
    expect([...w.gh.runner.runs.values()].filter((r) => r.workflowPath === WORKER)).toHaveLength(2);

    const alarms = await alarmed();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.body).toContain(forged.slice(0, 12));
    expect(alarms[0]!.body).not.toMatch(/FORGED|pwned|evil\.example/);
  });
});
