/**
 * Dependency graph rendering: Mermaid flowchart (`ID: title` labels, coloured by state) and Graphviz DOT.
 * Responsibilities: draw the plan's DAG, edges from dependency to dependent.
 * Not here: Gantt charts (core/render/gantt.ts), state computation (core/lifecycle.ts).
 * Invariants: pure; labels are escaped so any title renders; IDs are safe identifiers by the plan schema.
 */
import type { MilestoneState } from "../lifecycle.js";
import type { Plan } from "../plan/plan.js";
import { titleOf } from "../plan/plan.js";

const STATE_STYLE: Partial<Record<MilestoneState, string>> = {
  eligible: "fill:#ddf4ff,stroke:#0969da",
  claimed: "fill:#fff8c5,stroke:#9a6700",
  running: "fill:#fff8c5,stroke:#9a6700",
  paused: "fill:#f6f8fa,stroke:#6e7781",
  stale: "fill:#fff1e5,stroke:#bc4c00",
  finished: "fill:#dafbe1,stroke:#1a7f37",
  merging: "fill:#dafbe1,stroke:#1a7f37",
  merged: "fill:#1a7f37,stroke:#116329,color:#ffffff",
  conflict: "fill:#ffebe9,stroke:#cf222e",
  failed: "fill:#cf222e,stroke:#a40e26,color:#ffffff",
  stopped: "fill:#eaeef2,stroke:#57606a",
  skipped: "fill:#eaeef2,stroke:#8c959f,stroke-dasharray:4",
};

/** Text inside a `["…"]` node: one line, entity codes for what Mermaid or a Markdown fence would read as syntax. */
export function mermaidLabel(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/[#"`<>&\\]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** Mermaid node IDs may not contain '.' or '-': map to n0, n1… in plan order. */
export function renderMermaidGraph(plan: Plan, states: ReadonlyMap<string, MilestoneState> = new Map()): string {
  const key = new Map(plan.milestones.map((m, i) => [m.id, `n${i}`]));
  const lines = ["flowchart TD"];
  for (const m of plan.milestones) {
    const label = mermaidLabel(`${m.id}: ${titleOf(m)}`);
    const state = states.get(m.id);
    lines.push(`  ${key.get(m.id)}["${label}${state ? ` (${state})` : ""}"]`);
  }
  for (const m of plan.milestones) for (const dep of m.depends_on) lines.push(`  ${key.get(dep)} --> ${key.get(m.id)}`);
  const used = new Set<MilestoneState>();
  for (const m of plan.milestones) {
    const state = states.get(m.id);
    if (state && STATE_STYLE[state]) {
      used.add(state);
      lines.push(`  class ${key.get(m.id)} ${state}`);
    }
  }
  for (const state of used) lines.push(`  classDef ${state} ${STATE_STYLE[state]}`);
  return `${lines.join("\n")}\n`;
}

export function renderDotGraph(plan: Plan, states: ReadonlyMap<string, MilestoneState> = new Map()): string {
  const q = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines = ["digraph weave {", "  rankdir=TB;", "  node [shape=box, style=rounded];"];
  for (const m of plan.milestones) {
    const state = states.get(m.id);
    lines.push(`  ${q(m.id)} [label=${q(`${m.id}: ${titleOf(m)}${state ? `\n(${state})` : ""}`)}];`);
  }
  for (const m of plan.milestones) for (const dep of m.depends_on) lines.push(`  ${q(dep)} -> ${q(m.id)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
