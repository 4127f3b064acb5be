/**
 * Cost readers: how much a task cost, read from what the agent left behind. `worker.cost` picks one.
 * Responsibilities: `cost-file` (JSON lines `{"usd": 0.12}` in $WEAVE_COST_FILE), `claude-json` (`total_cost_usd`
 * in `claude -p … --output-format json` output), `none`.
 * Not here: summing across tasks (worker-loop.ts) or workers (reconcile/).
 * Invariants: pure; unreadable input costs 0 and never fails a task. To add a format, add an entry to COST_READERS.
 */

export interface TaskOutput {
  /** Standard output of the task (capped). */
  stdout: string;
  /** Contents of $WEAVE_COST_FILE after the task, or "" when absent. */
  costFile: string;
}

export type CostReader = (output: TaskOutput) => number;

function finite(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Sum of `usd` over JSON lines; other lines are ignored. */
export const readCostFile: CostReader = ({ costFile }) => {
  let total = 0;
  for (const line of costFile.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as { usd?: unknown; cost_usd?: unknown };
      total += finite(value.usd ?? value.cost_usd);
    } catch {
      // not a cost line
    }
  }
  return total;
};

/** Claude Code's JSON result (`--output-format json`, or the last `result` line of `stream-json`). */
export const readClaudeJson: CostReader = ({ stdout }) => {
  const candidates = [stdout.trim(), ...stdout.trim().split("\n").reverse()];
  for (const text of candidates) {
    if (!text.startsWith("{")) continue;
    try {
      const value = JSON.parse(text) as { total_cost_usd?: unknown; cost_usd?: unknown };
      if (value.total_cost_usd !== undefined || value.cost_usd !== undefined) return finite(value.total_cost_usd ?? value.cost_usd);
    } catch {
      // keep looking
    }
  }
  return 0;
};

export const COST_READERS: Record<"cost-file" | "claude-json" | "none", CostReader> = {
  "cost-file": readCostFile,
  "claude-json": readClaudeJson,
  none: () => 0,
};
