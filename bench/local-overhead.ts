/**
 * Local overhead benchmark: what weave itself costs per milestone — worktree, worker start, checkpoint, merge,
 * cleanup — with a no-op agent (`true`), for 10, 50 and 200 milestones at 4 workers on a layered plan.
 * Reports the median claim→merged time per milestone, wall time per milestone, and wall time divided by the
 * simulated makespan of the same plan (estimates of 1 s each). Goal: ≤ 0.3 s per milestone on this 2-core machine,
 * idle and busy: `--hogs N` keeps N CPU-bound processes running beside the benchmark (and its floor) to make it busy.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePlan } from "../src/core/plan/parse-plan.js";
import { rankMilestones, toScheduleGraph } from "../src/core/plan/plan-schedule.js";
import { simulateSchedule } from "../src/core/schedule/simulate.js";

const BIN = fileURLToPath(new URL("../../bin/weave.js", import.meta.url));
const WORKERS = 4;

function planFor(n: number): string {
  const lines = ["version: 1", `max_workers: ${WORKERS}`, "retries: 0", "heartbeat_timeout: 2m", "merge: { via: direct, auto: auto, order: completion }", "worker:", "  command: \"true\"", "  cost: none", "  allow_empty: true", "  heartbeat_interval: 5s", "milestones:"];
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const deps = new Set<number>();
    for (let k = 0; k < 2 && i >= WORKERS; k++) if (rand() < 0.6) deps.add(i - WORKERS - Math.floor(rand() * Math.min(i - WORKERS + 1, 8)));
    lines.push(`  - { id: M${i}, estimate: 1s, tasks: [noop], depends_on: [${[...deps].filter((d) => d >= 0).map((d) => `M${d}`).join(", ")}] }`);
  }
  return `${lines.join("\n")}\n`;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  milestones: number;
  wallSeconds: number;
  wallPerMilestone: number;
  medianClaimToMerged: number;
  simulatedMakespan: number;
  wallOverSimulated: number;
  merged: number;
}

function runOnce(n: number): Row {
  const dir = mkdtempSync(join(tmpdir(), "weave-bench-local-"));
  try {
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    mkdirSync(join(dir, ".github"));
    const yaml = planFor(n);
    writeFileSync(join(dir, ".github/weave.yml"), yaml);
    writeFileSync(join(dir, ".gitignore"), ".weave/\n");
    git("add", "-A");
    git("-c", "user.email=b@w", "-c", "user.name=bench", "commit", "-q", "-m", "init");
    const env = { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "b@w", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "b@w" };
    const started = performance.now();
    const run = spawnSync(process.execPath, [BIN, "start"], { cwd: dir, env, encoding: "utf8" });
    const wallSeconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`weave start exited ${run.status}: ${run.stderr || run.stdout.slice(-2000)}`);
    const state = JSON.parse(readFileSync(join(dir, ".weave/state.json"), "utf8")) as { events: { at: string; kind: string; id?: string }[]; milestones: Record<string, { state: string }> };
    const first = new Map<string, number>();
    const spans: number[] = [];
    for (const e of state.events) {
      if (!e.id) continue;
      if (e.kind === "claimed" && !first.has(e.id)) first.set(e.id, Date.parse(e.at));
      if (e.kind === "merged" && first.has(e.id)) spans.push((Date.parse(e.at) - first.get(e.id)!) / 1000);
    }
    const plan = parsePlan(yaml, "bench.yml");
    const rank = rankMilestones(plan, WORKERS);
    const sim = simulateSchedule(toScheduleGraph(plan), { workers: WORKERS, rank: plan.milestones.map((m) => rank.get(m.id)!) });
    return {
      milestones: n,
      wallSeconds,
      wallPerMilestone: wallSeconds / n,
      medianClaimToMerged: median(spans),
      simulatedMakespan: sim.makespan,
      wallOverSimulated: wallSeconds / sim.makespan,
      merged: Object.values(state.milestones).filter((m) => m.state === "merged").length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor: what git alone costs per milestone here, one after another — `git worktree add -b`, one commit in it,
 * `git merge-tree --write-tree`, `commit-tree`, `update-ref` of the target, `worktree remove` — median seconds.
 */
export function measureFloor(n = 20): number {
  const dir = mkdtempSync(join(tmpdir(), "weave-bench-floor-"));
  try {
    const env = { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "b@w", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "b@w" };
    const git = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, encoding: "utf8", env }).trim();
    git(dir, "init", "-q", "-b", "main");
    git(dir, "commit", "-q", "--allow-empty", "-m", "init");
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const wt = join(dir, `wt${i}`);
      git(dir, "worktree", "add", "-q", "-b", `m${i}`, wt, "main");
      writeFileSync(join(wt, `f${i}.txt`), "x\n");
      git(wt, "add", "-A");
      git(wt, "commit", "-q", "-m", `m${i}`);
      const base = git(dir, "rev-parse", "main");
      const tree = git(dir, "merge-tree", "--write-tree", base, `m${i}`);
      const commit = git(dir, "commit-tree", tree, "-p", base, "-p", `m${i}`, "-m", "merge");
      git(dir, "update-ref", "refs/heads/main", commit, base);
      git(dir, "worktree", "remove", "--force", wt);
      times.push((performance.now() - started) / 1000);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `n` CPU-bound processes (the "busy machine" of the goal); the returned function ends them. */
export function startHogs(n: number): () => void {
  const hogs: ChildProcess[] = Array.from({ length: n }, () => spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
  return () => {
    for (const hog of hogs) hog.kill("SIGKILL");
  };
}

export async function runLocalOverheadBench(sizes = [10, 50, 200], repeats = 3, hogs = 0): Promise<{ table: string; results: { floorSecondsPerMilestone: number; rows: Row[] } }> {
  const stopHogs = startHogs(hogs);
  try {
    return measureAll(sizes, repeats, hogs);
  } finally {
    stopHogs();
  }
}

function measureAll(sizes: number[], repeats: number, hogs: number): { table: string; results: { floorSecondsPerMilestone: number; rows: Row[] } } {
  const results: Row[] = [];
  for (const n of sizes) {
    const runs = Array.from({ length: n >= 200 ? 1 : repeats }, () => runOnce(n));
    const pick = (k: keyof Row): number => median(runs.map((r) => r[k]));
    results.push({
      milestones: n, wallSeconds: pick("wallSeconds"), wallPerMilestone: pick("wallPerMilestone"), medianClaimToMerged: pick("medianClaimToMerged"),
      simulatedMakespan: pick("simulatedMakespan"), wallOverSimulated: pick("wallOverSimulated"), merged: Math.min(...runs.map((r) => r.merged)),
    });
  }
  const floor = measureFloor();
  const table = [
    `Local overhead, no-op agent, ${WORKERS} workers (median of ${repeats} runs; 1 run for 200)${hogs ? `, ${hogs} CPU-bound process${hogs === 1 ? "" : "es"} beside it` : ""}`,
    `  floor (bare git worktree add + one commit + merge-tree + commit-tree + update-ref + worktree remove, serial): ${floor.toFixed(3)} s/milestone`,
    "  milestones  wall s   wall/milestone  claim→merged (median)  simulated makespan  wall/simulated  goal ≤ 0.3 s/milestone",
    ...results.map((r) => `  ${String(r.milestones).padStart(10)}  ${r.wallSeconds.toFixed(1).padStart(6)}  ${r.wallPerMilestone.toFixed(3).padStart(14)}  ${r.medianClaimToMerged.toFixed(3).padStart(21)}  ${`${r.simulatedMakespan} s`.padStart(18)}  ${r.wallOverSimulated.toFixed(2).padStart(14)}  ${r.wallPerMilestone <= 0.3 ? "✓" : "✗"} (${r.merged}/${r.milestones} merged)`),
  ].join("\n");
  return { table, results: { floorSecondsPerMilestone: floor, rows: results } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const hogAt = args.indexOf("--hogs");
  const hogs = hogAt >= 0 ? Number(args.splice(hogAt, 2)[1]) : 0;
  const sizes = args.map(Number).filter((n) => n > 0);
  console.log((await runLocalOverheadBench(sizes.length ? sizes : undefined, 3, hogs > 0 ? hogs : 0)).table);
}
