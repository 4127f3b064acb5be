/**
 * Status table: one row per milestone (ID, state, task n/m, cost, heartbeat age, branch), then totals and budget.
 * Responsibilities: terminal text and GitHub markdown from plain row data, for `weave status` and the App's comment.
 * Not here: gathering the rows (local/status-rows.ts, github/), the Mermaid DAG (plan-graph-render.ts).
 * Invariants: pure; rows keep the order given (plan order); an unknown cost reads "unknown", never $0.00, and the
 * budget's share counts known spend.
 */
import { formatDuration } from "../plan/duration.js";

export interface StatusRow {
  id: string;
  state: string;
  tasksDone: number;
  tasks: number;
  /** Known spend; with `costUnknown`, some of the spend could not be read (shown as unknown, never as $0.00). */
  costUsd: number;
  costUnknown?: boolean;
  /** Seconds since the last heartbeat, when a worker is active. */
  heartbeatAge?: number;
  branch: string;
  note?: string;
  /** Files the milestone changed outside its declared `files` (found at merge time). */
  scopeWarnings?: string[];
}

export interface StatusTotals {
  /** Known spend: what the budget counts. */
  costUsd: number;
  /** Milestones whose spend is (partly) unknown, in plan order. */
  costUnknownIds?: string[];
  budgetUsd?: number;
  merged: number;
  total: number;
}

/** `$0.42`, `unknown`, or `$0.42 + unknown` when only part of the spend is known. */
export function formatCost(costUsd: number, unknown: boolean | undefined, digits = 2): string {
  if (!unknown) return `$${costUsd.toFixed(digits)}`;
  return costUsd > 0 ? `$${costUsd.toFixed(digits)} + unknown` : "unknown";
}

/** The totals of rows: known spend, and which milestones' spend is unknown. */
export function totalsOf(rows: readonly StatusRow[], budgetUsd: number | undefined): StatusTotals {
  const unknown = rows.filter((r) => r.costUnknown).map((r) => r.id);
  return {
    costUsd: rows.reduce((n, r) => n + r.costUsd, 0), ...(unknown.length ? { costUnknownIds: unknown } : {}), budgetUsd,
    merged: rows.filter((r) => r.state === "merged").length, total: rows.length,
  };
}

function cells(r: StatusRow): string[] {
  return [r.id, r.state, `${r.tasksDone}/${r.tasks}`, formatCost(r.costUsd, r.costUnknown), r.heartbeatAge === undefined ? "—" : `${formatDuration(r.heartbeatAge)} ago`, r.branch, r.note ?? ""];
}

const HEAD = ["ID", "STATE", "TASK", "COST", "HEARTBEAT", "BRANCH", "NOTE"];

function totalsLine(t: StatusTotals): string {
  const budget = t.budgetUsd === undefined ? "no budget ceiling" : `budget $${t.budgetUsd.toFixed(2)} (${Math.round((t.costUsd / t.budgetUsd) * 100)} % used)`;
  const unknown = t.costUnknownIds?.length ? ` known (unknown for ${t.costUnknownIds.join(", ")})` : "";
  return `${t.merged}/${t.total} merged · cost $${t.costUsd.toFixed(2)}${unknown} · ${budget}`;
}

export function renderStatusText(rows: readonly StatusRow[], totals: StatusTotals): string {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = table.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ").trimEnd());
  return `${lines.join("\n")}\n\n${totalsLine(totals)}\n`;
}

export function renderStatusMarkdown(rows: readonly StatusRow[], totals: StatusTotals): string {
  const esc = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [`| ${HEAD.map((h) => h.toLowerCase()).join(" | ")} |`, `|${HEAD.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${cells(r).map((c, i) => (i === 0 ? `**${esc(c)}**` : i === 5 ? `\`${esc(c)}\`` : esc(c))).join(" | ")} |`);
  return `${lines.join("\n")}\n\n${totalsLine(totals)}\n`;
}
