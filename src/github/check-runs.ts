/**
 * Check runs: one App-owned check run `weave / <ID>` per milestone, showing progress, heartbeat and cost, completed
 * with a conclusion and buttons when the milestone settles.
 * Responsibilities: render the summary and the create/update parameters.
 * Not here: when to update (github/reconcile-repo.ts rate-limits progress to one update per 30 s).
 * Invariants: pure; summaries stay under GitHub's 65,535 characters; at most 3 buttons, labels ≤ 20 characters.
 */
import { formatCost } from "../core/render/status-table.js";
import type { Milestone } from "../core/plan/plan.js";
import { titleOf } from "../core/plan/plan.js";
import { neutraliseText } from "../core/safe-text.js";
import type { LedgerMilestone } from "./ledger.js";

export const checkRunName = (id: string): string => `weave / ${id}`;
const MAX_SUMMARY = 65_000;

export function renderCheckSummary(m: Milestone, r: LedgerMilestone, now: Date): string {
  const beat = r.lastHeartbeat ? `${Math.max(0, Math.round((now.getTime() - Date.parse(r.lastHeartbeat)) / 1000))} s ago` : "none yet";
  const lines = [
    `**${m.id}** — ${neutraliseText(titleOf(m))}`,
    "",
    "| | |", "|---|---|",
    `| state | ${r.state} |`,
    `| tasks | ${r.tasksDone}/${m.tasks.length} |`,
    `| cost | ${formatCost(r.costUsd, r.costUnknown, 4)} |`,
    `| last heartbeat | ${beat} |`,
    `| attempts | ${r.attempts} |`,
    ...(r.verify ? [`| verify | ${r.verify.state} |`] : []),
    ...(r.reason ? ["", `> ${r.reason}`] : []),
    "",
    "### Tasks",
    ...m.tasks.map((t, i) => `${i < r.tasksDone ? "- [x]" : "- [ ]"} ${t.split("\n")[0]}`),
  ];
  return lines.join("\n").slice(0, MAX_SUMMARY);
}

const CONCLUSION: Partial<Record<LedgerMilestone["state"], string>> = {
  merged: "success", finished: "success", failed: "failure", skipped: "skipped", stopped: "cancelled", conflict: "action_required",
};

export function checkRunUpdate(m: Milestone, r: LedgerMilestone, now: Date): Record<string, unknown> {
  const conclusion = CONCLUSION[r.state];
  const output = { title: `${r.state} — ${r.tasksDone}/${m.tasks.length} tasks, ${formatCost(r.costUsd, r.costUnknown)}`, summary: renderCheckSummary(m, r, now) };
  // Between queued and completed, heartbeats keep the check run current (at most once per interval).
  if (!conclusion) return { status: r.state === "claimed" || r.state === "eligible" || r.state === "pending" ? "queued" : "in_progress", output };
  const actions = [
    ...(r.state === "failed" || r.state === "stopped" ? [{ label: "Retry", description: "Run it again from its last checkpoint", identifier: "retry" }] : []),
    ...(r.state === "finished" || r.state === "conflict" ? [{ label: "Merge", description: "Merge this milestone now", identifier: "merge" }] : []),
  ];
  return { status: "completed", conclusion, completed_at: now.toISOString(), output, actions };
}
