/**
 * Status rows of a local run, for `weave status`: the state file joined with the workers' status files.
 * Not here: the table layout (core/render/status-table.ts).
 * Invariants: read-only; works whether or not a coordinator is running; `pausing` is shown, never stored (a running
 * milestone with a pause signal file).
 */
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import type { Plan } from "../core/plan/plan.js";
import type { StatusRow, StatusTotals } from "../core/render/status-table.js";
import { totalsOf } from "../core/render/status-table.js";
import { formatDuration } from "../core/plan/duration.js";
import type { VerifyStatus } from "../ports/reporter.js";
import { readSignal, readWorkerStatus } from "./file-reporter.js";
import type { RunState } from "./state-store.js";
import type { WeavePaths } from "./weave-paths.js";

export async function collectStatusRows(plan: Plan, state: RunState | undefined, paths: WeavePaths, now: number): Promise<{ rows: StatusRow[]; totals: StatusTotals }> {
  const rows: StatusRow[] = [];
  for (const m of plan.milestones) {
    const record = state?.milestones[m.id];
    const live = record && WORKER_HELD_STATES.has(record.state);
    // The worker's last status says whether some of its spend is unknown, after it ended too.
    const status = record ? await readWorkerStatus(paths, m.id) : undefined;
    const ofRun = status && status.runId === state?.runId ? status : undefined;
    const current = live ? ofRun : undefined;
    // A pause asked of a running worker shows as `pausing` until the worker stops after its task in flight.
    const pausing = (record?.state === "running" || record?.state === "claimed") && (await readSignal(paths, m.id))?.signal === "pause";
    rows.push({
      id: m.id,
      state: pausing ? "pausing" : record?.state ?? "pending",
      tasksDone: current?.tasksDone ?? record?.tasksDone ?? 0,
      tasks: m.tasks.length,
      costUsd: current?.costUsd ?? record?.costUsd ?? 0,
      ...(ofRun?.costUnknown ? { costUnknown: true } : {}),
      heartbeatAge: current ? Math.max(0, Math.round((now - Date.parse(current.updatedAt)) / 1000)) : undefined,
      branch: `weave/${m.id}`,
      note: [
        record?.state === "conflict" ? (record.conflictFiles ?? []).join(", ") : current?.currentTaskText ?? (record?.state === "failed" || record?.state === "skipped" || record?.state === "stopped" ? record.reason : undefined),
        verifyNote(current?.verify ?? record?.verify),
        record?.scopeWarnings?.length ? `outside declared files: ${record.scopeWarnings.join(", ")}` : undefined,
      ].filter(Boolean).join(" · ") || undefined,
      ...(record?.scopeWarnings?.length ? { scopeWarnings: record.scopeWarnings } : {}),
    });
  }
  return {
    rows,
    totals: totalsOf(rows, plan.budget_ceiling),
  };
}

/** `verify passed in 4s` / `verify failed (exit 1) in 2s` / `verifying…`. */
export function verifyNote(verify: VerifyStatus | undefined): string | undefined {
  if (!verify) return undefined;
  if (verify.state === "running") return `verifying (attempt ${verify.attempt})…`;
  const took = verify.durationMs !== undefined ? ` in ${formatDuration(verify.durationMs / 1000)}` : "";
  return verify.state === "passed" ? `verify passed${took}` : `verify failed${verify.exitCode !== undefined && verify.exitCode !== null ? ` (exit ${verify.exitCode})` : ""}${took}`;
}
