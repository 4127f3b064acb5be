/**
 * The Actions-hosted coordinator's economy (issue 18), over the offline stand-in with no App server process: a
 * 10-milestone plan (two roots, fan-out, fan-in, a tail; 2 tasks each, direct merges, GITHUB_TOKEN only) from a
 * `/weave start` comment to every milestone merged. Measured:
 * - coordinator runs per milestone (goal ≤ 3);
 * - runner-seconds per milestone, coordinator jobs and worker jobs apart, as the stand-in's jobs took them (no VM
 *   start, so GitHub's are longer), and the coordinator's billed minutes (GitHub rounds each job up to a minute);
 * - REST calls per milestone made with GITHUB_TOKEN, by the coordinator jobs and by every job of the repository
 *   (the 1,000-an-hour limit is per repository), goal ≤ 15; git pushes and fetches are not REST calls.
 * Run: `npm run build:action && npx vitest run --config bench/vitest.bench.config.ts bench/github/coordinator.bench.test.ts`.
 * Writes bench/results/coordinator.json and prints a table, then fails when either goal is missed (after writing, so
 * a miss can be read).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { allMerged, COORDINATOR, coordinatorCalls, createCoordinatorWorld, o, WORKER } from "../../test/actions-home/coordinator-fixtures.js";

const MILESTONES: [string, string[]][] = [
  ["m1", []], ["m2", []],
  ["m3", ["m1"]], ["m4", ["m1"]], ["m5", ["m2"]], ["m6", ["m2"]],
  ["m7", ["m3", "m4"]], ["m8", ["m5", "m6"]],
  ["m9", ["m7", "m8"]], ["m10", ["m9"]],
];
/** The issue's goals per milestone: coordinator runs, and REST calls with GITHUB_TOKEN by every job of the repository. */
const GOAL = { coordinatorRuns: 3, restCalls: 15 };
const PLAN = `version: 1
max_workers: 3
retries: 1
heartbeat_timeout: 5m
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
milestones:
${MILESTONES.map(([id, deps]) => `  - { id: ${id}, title: Step ${id}, tasks: [first, second]${deps.length ? `, depends_on: [${deps.join(", ")}]` : ""} }`).join("\n")}
`;

it("Actions-hosted coordinator: runs, runner-seconds and GITHUB_TOKEN REST calls per milestone (10 milestones)", { timeout: 900_000 }, async () => {
  const n = MILESTONES.length;
  const w = await createCoordinatorWorld({ plan: PLAN, agent: { sleepMs: 100 } });
  try {
    const t0 = performance.now();
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    await allMerged(w, n, 800_000);
    const wall = (performance.now() - t0) / 1000;
    await w.gh.settled();
    const runs = [...w.gh.runner.runs.values()];
    const coordinator = runs.filter((r) => r.workflowPath === COORDINATOR);
    const workers = runs.filter((r) => r.workflowPath === WORKER);
    expect(workers.every((r) => r.conclusion === "success")).toBe(true);
    expect(coordinator.every((r) => r.conclusion === "success")).toBe(true);
    const seconds = (rs: typeof runs): number[] => rs.flatMap((r) => r.jobs.map((j) => (j.startedAt && j.completedAt ? (j.completedAt.getTime() - j.startedAt.getTime()) / 1000 : 0)));
    const coordSeconds = seconds(coordinator);
    const workerSeconds = seconds(workers);
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const calls = coordinatorCalls(w);
    expect(calls.every(Number.isFinite)).toBe(true);
    const allToken = w.gh.callCounts("actions:acme/widgets");
    const allTokenTotal = sum(Object.values(allToken));
    const byEvent: Record<string, number> = {};
    for (const r of coordinator) byEvent[r.event] = (byEvent[r.event] ?? 0) + 1;
    const results = {
      milestones: n, wallSeconds: wall,
      coordinatorRuns: coordinator.length, coordinatorRunsPerMilestone: coordinator.length / n, coordinatorRunsByEvent: byEvent,
      coordinatorRunnerSeconds: sum(coordSeconds), coordinatorRunnerSecondsPerMilestone: sum(coordSeconds) / n,
      coordinatorBilledMinutesPerMilestone: sum(coordSeconds.map((s) => Math.max(1, Math.ceil(s / 60)))) / n,
      workerRuns: workers.length, workerRunnerSecondsPerMilestone: sum(workerSeconds) / n,
      coordinatorRestCalls: sum(calls), coordinatorRestCallsPerMilestone: sum(calls) / n,
      githubTokenRestCalls: allTokenTotal, githubTokenRestCallsPerMilestone: allTokenTotal / n, githubTokenByOperation: allToken,
    };
    const table = [
      `Actions-hosted coordinator, ${n} milestones (2 tasks each, direct, GITHUB_TOKEN only), stand-in, ${wall.toFixed(0)} s wall`,
      `  coordinator runs per milestone: ${results.coordinatorRunsPerMilestone.toFixed(2)} (goal ≤ ${GOAL.coordinatorRuns}) ${results.coordinatorRunsPerMilestone <= GOAL.coordinatorRuns ? "✓" : "✗"}  [${Object.entries(byEvent).map(([e, c]) => `${e} ${c}`).join(", ")}]`,
      `  runner-seconds per milestone: coordinator ${results.coordinatorRunnerSecondsPerMilestone.toFixed(1)} s (billed ≥ ${results.coordinatorBilledMinutesPerMilestone.toFixed(2)} min), worker ${results.workerRunnerSecondsPerMilestone.toFixed(1)} s`,
      `  GITHUB_TOKEN REST calls per milestone: coordinator ${results.coordinatorRestCallsPerMilestone.toFixed(1)}, all jobs ${results.githubTokenRestCallsPerMilestone.toFixed(1)} (goal ≤ ${GOAL.restCalls}) ${results.githubTokenRestCallsPerMilestone <= GOAL.restCalls ? "✓" : "✗"}`,
      `    ${Object.entries(allToken).sort((a, b) => b[1] - a[1]).map(([op, c]) => `${op} ${c}`).join(", ")}`,
    ].join("\n");
    console.log(table);
    const dir = fileURLToPath(new URL("../results/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}coordinator.json`, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
    // The goals are the bench's verdict, both reported when both are missed.
    expect.soft(results.coordinatorRunsPerMilestone, `coordinator runs per milestone (goal ≤ ${GOAL.coordinatorRuns})`).toBeLessThanOrEqual(GOAL.coordinatorRuns);
    expect.soft(results.githubTokenRestCallsPerMilestone, `GITHUB_TOKEN REST calls per milestone, all jobs (goal ≤ ${GOAL.restCalls})`).toBeLessThanOrEqual(GOAL.restCalls);
    expect(w.gh.takeViolations()).toEqual([]);
  } finally {
    await w.gh.close();
  }
});
