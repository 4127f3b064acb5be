/**
 * Action start-up benchmark: time for `node action/dist/index.js` to load and reach its first decision (here it
 * stops at once on missing inputs), median of several runs, beside a bare `node -e 0`. Goal: < 300 ms.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("../../action/dist/index.js", import.meta.url));

function timeRun(args: string[], runs: number): number[] {
  const env = { PATH: process.env.PATH ?? "", GITHUB_OUTPUT: "/dev/null", GITHUB_STATE: "/dev/null" };
  return Array.from({ length: runs }, () => {
    const t0 = performance.now();
    spawnSync(process.execPath, args, { env, encoding: "utf8" });
    return performance.now() - t0;
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runActionStartupBench(runs = 9): Promise<{ table: string; results: unknown }> {
  const action = median(timeRun([ENTRY], runs));
  const bare = median(timeRun(["-e", "0"], runs));
  const table = `Action start-up (action/dist/index.js to its first decision), median of ${runs}: ${action.toFixed(0)} ms; bare node ${bare.toFixed(0)} ms; goal < 300 ms ${action < 300 ? "✓" : "✗"}`;
  return { table, results: { action_ms: action, bare_node_ms: bare, runs } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await runActionStartupBench()).table);
