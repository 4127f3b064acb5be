// The ledger is the App's alone (issue 13): a worker job's agent holding the job's push token pushes a forged commit
// to refs/weave/state that marks another milestone merged. The App does not believe it: that milestone's dependent is
// not dispatched, the App carries on from its last good state and writes its own signed commit on top, and the
// tracking issue hears about it once, in weave's words (nothing of the forged content).
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { verifyLedgerMac } from "../../src/core/ledger-mac.js";
import { ledgerGuardFor } from "../../src/github/ledger.js";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { forgeMerged } from "./forge-ledger.js";

const o = { owner: "acme", repo: "widgets" };

let world: AppWorld | undefined;
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
  await world?.close();
  world = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
}, 120_000);

// M1 is the attacker's milestone; X runs beside it; Y waits for X.
const PLAN = `version: 1\nmax_workers: 2\nretries: 0\nheartbeat_timeout: 60s\nmerge: { via: direct, auto: auto }\nworker: { command: node agent.mjs, heartbeat_interval: 200ms }\nmilestones:\n  - { id: M1, tasks: [one] }\n  - { id: X, tasks: [one] }\n  - { id: Y, depends_on: [X], tasks: [one] }\n`;

describe("a forged ledger", () => {
  it("pushed by a job's agent is not believed: no dependent starts, state is kept, the issue hears it once", { timeout: 180_000 }, async () => {
    world = await createAppWorld({ plan: PLAN, agent: { sleepMs: 60_000 } });
    const w = world;
    await w.comment("/weave start");
    const runs = await waitFor(async () => {
      const l = await w.ledger();
      return l.milestones.M1?.runId && l.milestones.X?.runId ? [l.milestones.M1.runId, l.milestones.X.runId] : undefined;
    }, "M1 and X dispatched");
    live.push(...runs);
    await waitFor(async () => w.server.weave.sessions.get("acme/widgets")?.heartbeats.get("M1"), "M1's first heartbeat");
    const job = w.gh.actions.run(runs[0]!).jobs[0]!;
    const token = job.env.INPUT_TOKEN || job.env.GITHUB_TOKEN;
    expect(token, "the job's push token").toMatch(/^ghs_/);

    const forged = await forgeMerged(w.repo.cloneUrl, token!, "X", dirs);
    // The App looks at the ledger again (its tick: heartbeats alone do not re-read it), and again after its alarm.
    await w.server.weave.tick();
    const alarmed = async () => (await w.alice.issues.listComments({ ...o, issue_number: w.issue })).data.filter((c) => (c.body ?? "").includes("the run ledger was changed by someone other than weave"));
    await waitFor(async () => (await alarmed()).length > 0, "the alarm on the tracking issue", 60_000);
    await w.server.weave.tick();

    // Its ledger is its own again: a signed commit on top of the forged one, with X as it was.
    const guard = ledgerGuardFor(w.config);
    const head = (await w.alice.git.getRef({ ...o, ref: "weave/state" })).data.object.sha;
    expect(head).not.toBe(forged);
    const { data: commit } = await w.alice.git.getCommit({ ...o, commit_sha: head });
    // The forged commit stays in the history (nothing is force-pushed); weave's commits go on top of it.
    const { data: history } = await w.alice.repos.listCommits({ ...o, sha: head, per_page: 100 });
    expect(history.map((c) => c.sha)).toContain(forged);
    const text = (await w.repo.readFile(head, "state.json"))!;
    expect(verifyLedgerMac(guard.key, commit.message, { repositoryId: w.repo.record.id, parents: commit.parents.map((p) => p.sha), state: text }).ok).toBe(true);
    const ledger = await w.ledger();
    expect(["claimed", "running"]).toContain(ledger.milestones.X!.state);
    expect(ledger.milestones.X!.reason ?? "").not.toContain("FORGED");
    expect(ledger.milestones.Y!.state).toBe("pending");
    // Y was never dispatched: two dispatches, M1's and X's.
    expect(w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch")).toHaveLength(2);

    const alarms = await alarmed();
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!.body!;
    expect(alarm).toContain(forged.slice(0, 12));
    expect(alarm).toContain("does not match its content");
    expect(alarm).not.toMatch(/FORGED|pwned|evil\.example/);
    expect(w.errors).toEqual([]);
  });
});
