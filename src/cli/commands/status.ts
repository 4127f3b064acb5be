/**
 * `weave status [PATH] [--json] [--watch]`: every milestone's state, task n/m, cost, heartbeat age and branch.
 * Not here: gathering (local/status-rows.ts), layout (core/render/status-table.ts).
 * Invariants: read-only; `--watch` redraws every second until the run ends (no coordinator, no live worker) or Ctrl-C.
 */
import { ACTIVE_STATES } from "../../core/lifecycle.js";
import { renderStatusText } from "../../core/render/status-table.js";
import { isProcessAlive, readLockHolder } from "../../local/locks.js";
import { collectStatusRows } from "../../local/status-rows.js";
import { loadRunState } from "../../local/state-store.js";
import { weavePaths } from "../../local/weave-paths.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";
import { findRepoRoot } from "../repo-root.js";

export async function runStatus(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { json: { type: "boolean" }, watch: { type: "boolean" } }, "weave status [PATH] [--json] [--watch]");
  const paths = weavePaths(await findRepoRoot(io.cwd));
  const plan = await readPlan(io, positionals[0]);
  let running = false;
  const snapshot = async (): Promise<string> => {
    const state = await loadRunState(paths.state);
    const { rows, totals } = await collectStatusRows(plan, state, paths, Date.now());
    const holder = await readLockHolder(paths.coordinatorLock);
    running = (holder !== undefined && isProcessAlive(holder.pid)) || Object.values(state?.milestones ?? {}).some((r) => ACTIVE_STATES.has(r.state) && r.state !== "paused" && isProcessAlive(r.pid));
    const coordinator = holder && isProcessAlive(holder.pid) ? `coordinator running (PID ${holder.pid})` : "no coordinator running";
    if (values.json) return JSON.stringify({ run: state?.runId ?? null, target: state?.target ?? null, coordinator: holder && isProcessAlive(holder.pid) ? holder.pid : null, milestones: rows.map((r) => (r.costUnknown && r.costUsd === 0 ? { ...r, costUsd: null } : r)), totals }, null, 2);
    return `${state ? `Run ${state.runId} on ${state.target} — ${coordinator}` : "No run yet: `weave start` begins one."}\n\n${renderStatusText(rows, totals)}`;
  };
  if (!values.watch) {
    write(io.stdout, await snapshot());
    return 0;
  }
  let lines = 0;
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  while (!stop) {
    const text = await snapshot();
    if (lines) io.stdout.write(`\x1b[${lines}A\x1b[0J`);
    io.stdout.write(text);
    lines = text.split("\n").length - 1;
    // Like `gh run watch`: the watch ends with the run (no coordinator and no live worker left).
    if (!running) {
      write(io.stdout, "\nNothing is running: the watch ends.");
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return 0;
}
