/**
 * The worker's own check run (Actions mode, no heartbeat endpoint): what a running worker writes on `weave / <ID>`
 * — the check run the coordinator created with GITHUB_TOKEN, which the worker's job (same identity) may update — and
 * how the coordinator reads it back.
 * Responsibilities: the output a person sees (a title and a short table: state, tasks, cost, last report) and, in
 * `output.text`, one marked line holding the heartbeat body (`{dispatch_id, status, notes_seen}` in its wire shape)
 * for the coordinator; the parse of that line with the heartbeat endpoint's strict schema.
 * Not here: when the worker writes (action/ledger-reporter.ts), what the coordinator believes of it
 * (actions-home/coordinate-liveness.ts, core/heartbeat-claim.ts).
 * Invariants: pure; only weave's structured fields are written (never the agent's output nor the task's text); a
 * claim read back is a claim — any job of the repository holding GITHUB_TOKEN could have written it.
 */
import { heartbeatBody, parseHeartbeatBody } from "../core/contracts/heartbeat-body.js";
import type { HeartbeatBody } from "../core/contracts/heartbeat-body.js";
import { formatCost } from "../core/render/status-table.js";
import type { WorkerStatus } from "../ports/reporter.js";
import { toWireStatus } from "./wire-status.js";
import type { WireStatus } from "./wire-status.js";

/** Marks the machine-readable line in `output.text`. */
export const CLAIM_MARK = "weave-worker-status: ";

export interface CheckRunOutput {
  title: string;
  summary: string;
  text: string;
}

/** `notesSeen`: the ids of the `/weave tell` notes the job took (the coordinator drops them from the ledger). */
export function workerCheckOutput(status: WorkerStatus, dispatchId: string, notesSeen?: readonly string[]): CheckRunOutput {
  const cost = formatCost(status.costUsd, status.costUnknown, 4);
  const task = status.currentTask !== undefined ? `task ${status.currentTask} in flight` : "between tasks";
  const rows = [
    ["state", status.state], ["tasks", `${status.tasksDone}/${status.tasks} (${task})`], ["cost", cost], ["reported", status.updatedAt],
    ...(status.verify ? [["verify", `${status.verify.state} (attempt ${status.verify.attempt})`]] : []),
  ];
  return {
    title: `${status.state} — ${status.tasksDone}/${status.tasks} tasks, ${formatCost(status.costUsd, status.costUnknown)} (the job's report)`,
    summary: ["The worker job's own report (a claim: the coordinator checks it against the branch).", "", "| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n"),
    text: `${CLAIM_MARK}${JSON.stringify(heartbeatBody(dispatchId, claimOf(status), notesSeen))}`,
  };
}

/** The wire status without the task's text (the plan has it; the claim stays small). */
function claimOf(status: WorkerStatus): Omit<WireStatus, "currentTaskText"> {
  const { currentTaskText: _text, ...claim } = toWireStatus(status);
  return claim;
}

/** The heartbeat body a check run's `output.text` carries, if any line of it is one (strict schema). */
export function readWorkerCheckClaim(text: string | null | undefined): HeartbeatBody | undefined {
  const line = (text ?? "").split("\n").find((l) => l.startsWith(CLAIM_MARK));
  if (!line) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line.slice(CLAIM_MARK.length));
  } catch {
    return undefined;
  }
  const parsed = parseHeartbeatBody(json);
  return parsed.ok ? parsed.body : undefined;
}
