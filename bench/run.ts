/**
 * `npm run bench`: every benchmark, a table each on stdout and JSON in bench/results/.
 * Benchmarks: scheduling quality on the STG set (stg.ts), plan scale (scale.ts), local overhead (local-overhead.ts),
 * Action start-up (action-startup.ts), worker overhead and streamed agent output (worker-agent.ts), the worktree start
 * race under load (worktree-load.ts). The App benchmark needs the GitHub stand-in and runs through vitest
 * (bench/github/app.bench.test.ts) right after these.
 * Pass names to run a subset: `npm run bench -- scale`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runActionStartupBench } from "./action-startup.js";
import { runLocalOverheadBench } from "./local-overhead.js";
import { runScaleBench } from "./scale.js";
import { runStgBench } from "./stg.js";
import { runWorkerAgentBench } from "./worker-agent.js";
import { runWorktreeLoadBench } from "./worktree-load.js";

type Bench = () => Promise<{ table: string; results: unknown }>;

const BENCHES: Record<string, Bench> = {
  stg: () => runStgBench(),
  scale: () => runScaleBench(),
  local: () => runLocalOverheadBench(),
  action: () => runActionStartupBench(),
  worker: () => runWorkerAgentBench(),
  "worktree-load": () => runWorktreeLoadBench(),
};

const resultsDir = fileURLToPath(new URL("../../bench/results/", import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !BENCHES[w]);
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")} (have: ${Object.keys(BENCHES).join(", ")})`);
  process.exit(2);
}
mkdirSync(resultsDir, { recursive: true });
for (const [name, bench] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const { table, results } = await bench();
  console.log(`\n== ${name} ==\n${table}`);
  writeFileSync(`${resultsDir}${name}.json`, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
}
