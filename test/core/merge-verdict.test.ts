import { describe, expect, it } from "vitest";
import { mergeVerdict } from "../../src/core/merge-verdict.js";

const clean = { clean: true, tree: "T", conflicts: [] };
const weaveOnly = { clean: false, tree: "T", conflicts: [".weave/notes.md"] };
const code = { clean: false, tree: "T", conflicts: ["src/a.ts", ".weave/notes.md"] };

describe("mergeVerdict", () => {
  it.each([
    ["already on target wins over everything", { merged: code, scopeWarnings: ["x"], strictScope: true, alreadyOnTarget: true }, { kind: "landed" }],
    ["strict scope blocks before conflicts", { merged: code, scopeWarnings: ["x"], strictScope: true }, { kind: "out-of-scope", files: ["x"] }],
    ["warn scope lets a conflict through", { merged: code, scopeWarnings: ["x"], strictScope: false }, { kind: "conflict", files: ["src/a.ts"], scopeWarnings: ["x"] }],
    ["clean merge", { merged: clean, scopeWarnings: [], strictScope: true }, { kind: "clean", tree: "T", overlay: [], scopeWarnings: [] }],
    [".weave/ conflicts resolve to the milestone's side", { merged: weaveOnly, scopeWarnings: ["y"], strictScope: false }, { kind: "clean", tree: "T", overlay: [".weave/notes.md"], scopeWarnings: ["y"] }],
    ["not on target: conflict", { merged: code, scopeWarnings: [], strictScope: true, alreadyOnTarget: false }, { kind: "conflict", files: ["src/a.ts"], scopeWarnings: [] }],
  ] as const)("%s", (_name, input, expected) => {
    expect(mergeVerdict({ ...input, merged: { ...input.merged, conflicts: [...input.merged.conflicts] }, scopeWarnings: [...input.scopeWarnings] })).toEqual(expected);
  });
});
