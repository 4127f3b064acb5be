/**
 * The sticky status comment on a run's tracking issue: a table (ID, state, task n/m, cost, last heartbeat, branch
 * or PR), totals against the budget, and a Mermaid DAG coloured by state. Edited in place, never re-posted.
 * Not here: the table and graph renderers (core/render/), when to refresh (github/reconcile-repo.ts).
 * Invariants: the first line is a marker so the comment can be found again; pure rendering; conflict file names are
 * neutralised here, a job's reason when it is kept (github/mutate-record.ts), both with core/safe-text.ts; the
 * posted body is redacted by github/repo-client.ts.
 */
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import type { MilestoneState } from "../core/lifecycle.js";
import type { Plan } from "../core/plan/plan.js";
import { renderMermaidGraph } from "../core/render/plan-graph-render.js";
import { renderStatusMarkdown, totalsOf } from "../core/render/status-table.js";
import { neutraliseText } from "../core/safe-text.js";
import type { Ledger } from "./ledger.js";

export const STATUS_MARKER = "<!-- weave:status -->";

export function renderStatusComment(plan: Plan, ledger: Ledger, now: Date): string {
  const states = new Map<string, MilestoneState>();
  const rows = plan.milestones.map((m) => {
    const r = ledger.milestones[m.id];
    states.set(m.id, r?.state ?? "pending");
    const beat = r?.lastHeartbeat && WORKER_HELD_STATES.has(r.state) ? Math.max(0, Math.round((now.getTime() - Date.parse(r.lastHeartbeat)) / 1000)) : undefined;
    return {
      id: m.id, state: r?.state ?? "pending", tasksDone: r?.tasksDone ?? 0, tasks: m.tasks.length, costUsd: r?.costUsd ?? 0, ...(r?.costUnknown ? { costUnknown: true } : {}),
      heartbeatAge: beat, branch: r?.pr ? `#${r.pr}` : `weave/${m.id}`,
      note: r?.conflictFiles?.length ? `conflict: ${neutraliseText(r.conflictFiles.join(", "))}` : r?.reason,
    };
  });
  const totals = totalsOf(rows, plan.budget_ceiling);
  return [
    STATUS_MARKER,
    `### weave run \`${ledger.run?.id ?? "?"}\` → \`${ledger.run?.target ?? "?"}\``,
    "",
    renderStatusMarkdown(rows, totals).trimEnd(),
    ledger.run?.budgetStopped ? "\n> **Budget reached:** nothing new starts; running workers were told to stop." : "",
    "",
    "```mermaid",
    renderMermaidGraph(plan, states).trimEnd(),
    "```",
    "",
    `<sub>Commands: \`/weave status\`, \`/weave pause|resume|stop [IDs]\`, \`/weave merge [IDs]\`, \`/weave tell ID text\`, \`/weave doctor\`. Updated ${now.toISOString()}.</sub>`,
  ].join("\n");
}
