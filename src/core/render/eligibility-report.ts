/**
 * Eligibility report rendering: terminal text and GitHub markdown, laid out as "Eligible (N) / Ineligible (N) / File Overlap Warnings (N)".
 * Responsibilities: turn an EligibilityReport into the text users read in the CLI and in comments.
 * Not here: computing eligibility (core/eligibility.ts).
 * Invariants: pure; both forms list the same items in the same order.
 */
import type { EligibilityReport, OverlapWarning } from "../eligibility.js";

function overlapLine(o: OverlapWarning): string {
  const n = o.files.length;
  return `${n} shared file${n === 1 ? "" : "s"}${o.serialized ? " (serialized: they run one after the other)" : ""}`;
}

export function renderEligibilityMarkdown(report: EligibilityReport): string {
  const out = ["# Parallel Eligibility Report", "", `## Eligible for Parallel Execution (${report.eligible.length})`, ""];
  for (const m of report.eligible) out.push(`- **${m.id}** — ${m.title}`, "  All dependencies satisfied.");
  if (report.eligible.length === 0) out.push("_None._");
  out.push("", `## Ineligible (${report.ineligible.length})`, "");
  for (const m of report.ineligible) out.push(`- **${m.id}** — ${m.title}`, `  ${m.reason}`);
  if (report.ineligible.length === 0) out.push("_None._");
  out.push("", `## File Overlap Warnings (${report.overlaps.length})`, "");
  for (const o of report.overlaps) {
    out.push(`- **${o.a}** <-> **${o.b}** — ${overlapLine(o)}:`);
    for (const f of o.files) out.push(`  - \`${f}\``);
  }
  if (report.overlaps.length === 0) out.push("_None._");
  return `${out.join("\n")}\n`;
}

export function renderEligibilityText(report: EligibilityReport): string {
  const out = ["Parallel Eligibility Report", "", `Eligible for Parallel Execution (${report.eligible.length})`];
  for (const m of report.eligible) out.push(`  ✓ ${m.id} — ${m.title}`, "      All dependencies satisfied.");
  out.push("", `Ineligible (${report.ineligible.length})`);
  for (const m of report.ineligible) out.push(`  · ${m.id} — ${m.title}`, `      ${m.reason}`);
  out.push("", `File Overlap Warnings (${report.overlaps.length})`);
  for (const o of report.overlaps) {
    out.push(`  ! ${o.a} <-> ${o.b} — ${overlapLine(o)}:`);
    for (const f of o.files) out.push(`      ${f}`);
  }
  return `${out.join("\n")}\n`;
}
