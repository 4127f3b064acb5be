/**
 * App benchmark (run by `npm run bench` through vitest, because it drives the offline GitHub stand-in in test/):
 * 1. API calls per milestone for 5-task milestones, from `/weave start` to every milestone landed by weave through its
 *    PR (`merge: { via: pr, auto: auto }`), with GitHub's rules on — a CI workflow's required check under a strict
 *    ruleset, auto-merge, run-list and ref-read lags — heartbeat-driven check-run updates excluded (goal ≤ 12);
 * 2. time from a dependency's merge (a user's merge, which GitHub announces with a push) to its dependent's dispatch.
 * Writes bench/results/app.json and prints a table.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { createAppWorld, mergeAsUser, waitFor } from "../../test/github/app-fixtures.js";
import { CI_WORKFLOW as CI, STRICT_CI } from "../../test/github/merge-fixtures.js";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

const QUIRKS = { runListLagMs: 1500, refReadLagMs: 300 };

it("App: API calls per milestone and merge → dispatch latency", { timeout: 900_000 }, async () => {
  // 1. Three independent 5-task milestones, run to the end and merged by weave through their PRs.
  const calls = await (async () => {
    const plan = "version: 1\nmax_workers: 3\nmerge: { via: pr, auto: auto }\nworker: { command: node agent.mjs, heartbeat_interval: 500ms }\nmilestones:\n" + ["A", "B", "C"].map((id) => `  - { id: ${id}, tasks: [t1, t2, t3, t4, t5] }\n`).join("");
    // GitHub's rules on (issue 14): the repository's CI workflow reports a required check `ci` under a strict
    // ruleset (a PR behind main must be updated before it may merge), auto-merge allowed, and runs that appear in
    // list endpoints late and refs that read 404 for a moment after creation.
    const w = await createAppWorld({ plan, agent: { sleepMs: 100 }, files: { ".github/workflows/ci.yml": CI }, quirks: QUIRKS });
    w.repo.setAllowAutoMerge(true);
    await w.repo.setBranchRules("main", [STRICT_CI] as never);
    w.config.checkRunIntervalSeconds = 3600; // heartbeats excluded: no progress updates driven by them
    try {
      await w.comment("/weave start");
      await waitFor(async () => Object.values((await w.ledger()).milestones).filter((r) => r.state === "merged").length === 3, "all three merged", 600_000);
      await w.gh.settled();
      await w.server.weave.idle();
      const byOp = w.gh.callCounts(`installation:${w.installation.id}`);
      // What is measured happened: every milestone landed through its own PR.
      const ledger = await w.ledger();
      const merged = (await w.alice.pulls.list({ owner: "acme", repo: "widgets", state: "all" })).data.filter((p) => p.merged_at !== null);
      expect(merged.map((p) => p.head.ref).sort(), JSON.stringify(ledger.milestones)).toEqual(["weave/A", "weave/B", "weave/C"]);
      // Heartbeat-driven check-run progress updates are excluded by the goal's definition; the App counts them.
      const heartbeatDriven = w.server.weave.heartbeatCalls();
      // The App's look for runs in flight when it starts (handlers/tick.ts) is once per App start, not per milestone.
      const atStart = byOp["apps/list-repos-accessible-to-installation"] ?? 0;
      const total = Object.values(byOp).reduce((n, c) => n + c, 0) - heartbeatDriven - atStart;
      expect(w.errors).toEqual([]);
      return { total, perMilestone: total / 3, byOperation: byOp, heartbeatDriven, atStart };
    } finally {
      await w.close();
    }
  })();

  // 2. A chain M0 → M1 → … → M5: merge each as it finishes; time until the next is dispatched.
  const latency = await (async () => {
    const ids = ["M0", "M1", "M2", "M3", "M4", "M5"];
    const plan = "version: 1\nmax_workers: 1\nworker: { command: node agent.mjs, heartbeat_interval: 500ms }\nmilestones:\n" + ids.map((id, i) => `  - { id: ${id}, tasks: [t]${i ? `, depends_on: [M${i - 1}]` : ""} }\n`).join("");
    // A person's direct merge (`repos.merge`) is what announces each landing here, so no required check guards main;
    // the stand-in's lags are on.
    const w = await createAppWorld({ plan, agent: { sleepMs: 50 }, quirks: QUIRKS });
    const samples: number[] = [];
    try {
      await w.comment("/weave start");
      for (let i = 0; i + 1 < ids.length; i++) {
        await waitFor(async () => (await w.ledger()).milestones[ids[i]!]?.state === "finished", `${ids[i]} to finish`, 600_000);
        const before = w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch").length;
        const t0 = performance.now();
        await mergeAsUser(w, ids[i]!);
        await waitFor(async () => w.gh.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch").length > before, `${ids[i + 1]} to be dispatched`, 600_000);
        samples.push((performance.now() - t0) / 1000);
      }
      return { samples, median: median(samples), p99: quantile(samples, 0.99) };
    } finally {
      await w.close();
    }
  })();

  const table = [
    `App on the offline stand-in`,
    `  API calls per 5-task milestone (heartbeat-driven updates excluded): ${calls.perMilestone.toFixed(1)} (goal ≤ 12) ${calls.perMilestone <= 12 ? "✓" : "✗"}`,
    `    ${calls.heartbeatDriven} heartbeat-driven check-run updates and ${calls.atStart} call of the App's start-up look for runs left out; all calls: ${Object.entries(calls.byOperation).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(", ")}`,
    `  merge → dependent dispatched: median ${latency.median.toFixed(2)} s, p99 ${latency.p99.toFixed(2)} s over ${latency.samples.length} merges`,
  ].join("\n");
  console.log(table);
  const dir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}app.json`, `${JSON.stringify({ date: new Date().toISOString(), calls, latency }, null, 2)}\n`);
});
