// Unknown cost reads "unknown", never $0.00, in every status surface; totals count known spend and name the
// milestones whose spend is unknown.
import { describe, expect, it } from "vitest";
import { formatCost, renderStatusMarkdown, renderStatusText, totalsOf } from "../../../src/core/render/status-table.js";
import type { StatusRow } from "../../../src/core/render/status-table.js";

const row = (id: string, costUsd: number, costUnknown?: boolean): StatusRow => ({ id, state: "running", tasksDone: 0, tasks: 1, costUsd, ...(costUnknown ? { costUnknown } : {}), branch: `weave/${id}` });

describe("formatCost", () => {
  it.each([
    [0, undefined, 2, "$0.00"],
    [0.42, false, 2, "$0.42"],
    [0, true, 2, "unknown"],
    [0.42, true, 2, "$0.42 + unknown"],
    [0.1234, true, 4, "$0.1234 + unknown"],
  ])("%s (unknown: %s) → %s", (usd, unknown, digits, text) => {
    expect(formatCost(usd, unknown, digits)).toBe(text);
  });
});

describe("status table with unknown cost", () => {
  const rows = [row("a", 0.3), row("b", 0, true), row("c", 0.2, true)];
  const totals = totalsOf(rows, 1);

  it("counts known spend for the budget and names the unknown milestones", () => {
    expect(totals).toEqual({ costUsd: 0.5, costUnknownIds: ["b", "c"], budgetUsd: 1, merged: 0, total: 3 });
    expect(totalsOf([row("a", 0.3)], undefined)).not.toHaveProperty("costUnknownIds");
  });

  it("shows unknown in text and markdown, never $0.00 for it", () => {
    for (const out of [renderStatusText(rows, totals), renderStatusMarkdown(rows, totals)]) {
      expect(out).not.toMatch(/\bb\b[^\n]*\$0\.00/);
      expect(out).toMatch(/unknown/);
      expect(out).toContain("$0.20 + unknown");
      expect(out).toContain("cost $0.50 known (unknown for b, c) · budget $1.00 (50 % used)");
    }
  });
});
