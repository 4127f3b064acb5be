// Merged evidence (issue 13): a branch's own commits never mark a milestone merged.
import { describe, expect, it } from "vitest";
import { firstParentChain, landedIds } from "../../src/core/merged-evidence.js";

describe("firstParentChain", () => {
  it("follows first parents only, as far as the page goes", () => {
    // main: m2 (merge of A's branch: parents m1, a2) ← m1; a2 ← a1 are the branch's own commits.
    const page = [
      { sha: "m2", parents: ["m1", "a2"], message: "weave: merge A" },
      { sha: "a2", parents: ["a1"], message: "agent\n\nWeave-Merged: B" },
      { sha: "m1", parents: ["m0"], message: "init" },
      { sha: "a1", parents: ["m1"], message: "task 1" },
    ];
    expect(firstParentChain(page).map((c) => c.sha)).toEqual(["m2", "m1"]);
    expect(firstParentChain([])).toEqual([]);
  });
});

describe("landedIds", () => {
  it.each([
    ["weave's merge commit", ["weave: merge A\n\nWeave-Merged: A\nWeave-Milestone: A"], "Merged|Milestone", ["A"]],
    ["a checkpoint trailer counts only when asked", ["task\n\nWeave-Milestone: A"], "Merged", []],
    ["a checkpoint trailer", ["task\n\nWeave-Milestone: A"], "Merged|Milestone", ["A"]],
    ["a person's squash carrying a forged trailer for another milestone counts for none", ["A (#3)\n\n* task\n\nWeave-Milestone: A\n\n* x\n\nWeave-Merged: B"], "Merged|Milestone", []],
    ["two merges", ["m\n\nWeave-Merged: A", "m\n\nWeave-Merged: C"], "Merged", ["A", "C"]],
    ["no trailer", ["fix typo"], "Merged|Milestone", []],
    ["a trailer-looking text inside a line is no trailer", ["see Weave-Merged: B for details"], "Merged", []],
  ] as const)("%s", (_what, messages, trailer, ids) => {
    expect([...landedIds(messages, trailer)].sort()).toEqual(ids);
  });
});
