/**
 * Worker benchmark: the worker's own overhead per task with a no-op agent (`true`: env, task file, process, cost
 * meter, checkpoint commit), and streamed agent output through the task process and Claude's cost meter — 10 MB and
 * 100 MB as 1 KB JSON lines and as a single line. Goals: t(100 MB) / t(10 MB) ≤ 12 (linear), peak RSS growth < 64 MB.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlan } from "../src/core/plan/parse-plan.js";
import { createCostMeter } from "../src/worker/agents/cost-meter.js";
import { createSignalBox } from "../src/worker/signal-box.js";
import { startTaskProcess } from "../src/worker/task-process.js";
import { createWorkerGit } from "../src/worker/worker-git.js";
import { runWorkerLoop } from "../src/worker/worker-loop.js";

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

/** A child that writes `mb` MB of stdout: 1 KB assistant-like JSON lines, or one line. */
const WRITER = `
const mb = Number(process.argv[2]); const single = process.argv[3] === "single";
const line = JSON.stringify({ type: "assistant", message: { id: "msg_x", usage: { input_tokens: 10, output_tokens: 1 }, content: [{ type: "text", text: "t".repeat(900) }] } }) + "\\n";
const chunk = single ? "x".repeat(64 * 1024) : line.repeat(Math.floor(64 * 1024 / line.length));
let left = mb * 1024 * 1024;
const write = () => { while (left > 0) { left -= chunk.length; if (!process.stdout.write(chunk)) return process.stdout.once("drain", write); } process.stdout.write("\\n" + ${JSON.stringify(JSON.stringify({ type: "result", subtype: "success", is_error: false, total_cost_usd: 0.5 }))} + "\\n"); };
write();
`;

async function stream(dir: string, mb: number, shape: "lines" | "single"): Promise<{ seconds: number; peakGrowthMb: number; cost: number | null }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const meter = createCostMeter("claude-json", { prices: { "*": { input: 1, output: 1 } } });
  const started = process.hrtime.bigint();
  const proc = startTaskProcess(`node ${JSON.stringify(join(dir, "writer.cjs"))} ${mb} ${shape}`, { cwd: dir, env: process.env, onStdoutLine: (l, t) => meter.line(l, t) });
  const done = await proc.done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, peakGrowthMb: (peak - base) / 1024 / 1024, cost: meter.finish({ stdoutTail: done.stdoutTail, costFile: "" }) };
}

async function overheadPerTask(dir: string, tasks: number): Promise<number> {
  const work = join(dir, "repo");
  execFileSync("git", ["init", "-q", "-b", "main", work], { env: GIT_ENV });
  writeFileSync(join(work, "README.md"), "bench\n");
  execFileSync("git", ["add", "-A"], { cwd: work, env: GIT_ENV });
  execFileSync("git", ["commit", "-q", "-m", "init"], { cwd: work, env: GIT_ENV });
  execFileSync("git", ["checkout", "-q", "-b", "weave/M1"], { cwd: work, env: GIT_ENV });
  const plan = parsePlan(`version: 1\nworker: { command: "true", cost: none, allow_empty: true, heartbeat_interval: 10s }\nmilestones:\n  - { id: M1, tasks: [${Array.from({ length: tasks }, (_, i) => `t${i}`).join(", ")}] }\n`, "weave.yml");
  const started = process.hrtime.bigint();
  const status = await runWorkerLoop({
    plan, milestoneId: "M1", runId: "bench", cwd: work, base: "main", git: createWorkerGit(work, { env: GIT_ENV }),
    reporter: { report: async () => undefined }, signals: createSignalBox(), env: GIT_ENV, costFile: join(dir, "cost"),
  });
  if (status.state !== "finished") throw new Error(`overhead run ended ${status.state}: ${status.error}`);
  return Number(process.hrtime.bigint() - started) / 1e9 / tasks;
}

export async function runWorkerAgentBench(): Promise<{ table: string; results: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "weave-bench-worker-"));
  try {
    writeFileSync(join(dir, "writer.cjs"), WRITER);
    const perTask = await overheadPerTask(dir, 20);
    const rows: string[] = [`no-op agent: ${(perTask * 1000).toFixed(0)} ms of worker overhead per task (20 tasks, checkpoint commit included)`];
    const results: Record<string, unknown> = { overheadMsPerTask: perTask * 1000 };
    for (const shape of ["lines", "single"] as const) {
      const small = await stream(dir, 10, shape);
      const big = await stream(dir, 100, shape);
      const ratio = big.seconds / small.seconds;
      results[shape] = { small, big, ratio };
      const ok = ratio <= 12 && big.peakGrowthMb < 64 && small.peakGrowthMb < 64 && big.cost === 0.5;
      rows.push(`${shape.padEnd(6)} 10 MB ${small.seconds.toFixed(2)} s (+${small.peakGrowthMb.toFixed(0)} MB) · 100 MB ${big.seconds.toFixed(2)} s (+${big.peakGrowthMb.toFixed(0)} MB) · ratio ${ratio.toFixed(1)} · result read: ${big.cost === 0.5 ? "yes" : "NO"} ${ok ? "ok" : "GOAL MISSED"}`);
    }
    return { table: rows.join("\n"), results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
