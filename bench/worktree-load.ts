/**
 * Worktree start-race load test: many fresh repositories, each running ten independent no-op milestones at 8 workers,
 * so worktrees are added side by side while finished ones are removed. Counts milestones that did not merge ("lost").
 * Goal: 0 lost over 50 runs (issue 16, must-fix 1: concurrent `git worktree add` raced inside git).
 * Run: `npm run build && node dist/bench/worktree-load.js [RUNS]` or `npm run bench -- worktree-load`.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/weave.js", import.meta.url));
const WORKERS = 8;
const MILESTONES = 10;

function planYaml(): string {
  const lines = ["version: 1", `max_workers: ${WORKERS}`, "retries: 0", "heartbeat_timeout: 2m", "merge: { via: direct, auto: auto, order: completion }", "worker:", "  command: \"true\"", "  cost: none", "  allow_empty: true", "milestones:"];
  for (let i = 0; i < MILESTONES; i++) lines.push(`  - { id: M${i}, tasks: [noop] }`);
  return `${lines.join("\n")}\n`;
}

async function runOnce(): Promise<{ lost: string[]; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "weave-bench-race-"));
  try {
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "b@w");
    git("config", "user.name", "bench");
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, ".github/weave.yml"), planYaml());
    writeFileSync(join(dir, ".gitignore"), ".weave/\n");
    git("add", "-A");
    git("commit", "-q", "-m", "init");
    const code = await new Promise<number | null>((done) => spawn(process.execPath, [BIN, "start"], { cwd: dir, stdio: "ignore" }).on("close", done));
    const state = JSON.parse(readFileSync(join(dir, ".weave/state.json"), "utf8")) as { milestones: Record<string, { state: string; reason?: string }> };
    const lost = Object.entries(state.milestones).filter(([, r]) => r.state !== "merged").map(([id, r]) => `${id}: ${r.state} ${r.reason ?? ""}`);
    if (lost.length) {
      for (const line of [...lost]) {
        const id = line.split(":")[0]!;
        try {
          lost.push(`  log of ${id}: ${readFileSync(join(dir, `.weave/logs/${id}.log`), "utf8").slice(-1500)}`);
        } catch {
          // no log
        }
      }
    }
    return { lost, code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runWorktreeLoadBench(runs = 50): Promise<{ table: string; results: { runs: number; lostMilestones: number; failedRuns: number; examples: string[] } }> {
  let lostMilestones = 0;
  let failedRuns = 0;
  const examples: string[] = [];
  for (let i = 0; i < runs; i++) {
    const { lost, code } = await runOnce();
    lostMilestones += lost.filter((l) => !l.startsWith("  log of")).length;
    if (code !== 0 || lost.length) failedRuns++;
    if (examples.length < 6) examples.push(...lost);
  }
  const table = [
    `Worktree start race: ${runs} fresh runs × ${MILESTONES} independent milestones at ${WORKERS} workers`,
    `  lost milestones: ${lostMilestones}   runs not exit 0: ${failedRuns}   goal: 0 lost ${lostMilestones === 0 ? "✓" : "✗"}`,
    ...examples.map((e) => `  e.g. ${e}`),
  ].join("\n");
  return { table, results: { runs, lostMilestones, failedRuns, examples } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 50);
  const { table, results } = await runWorktreeLoadBench(runs);
  console.log(table);
  process.exit(results.lostMilestones === 0 && results.failedRuns === 0 ? 0 : 1);
}
