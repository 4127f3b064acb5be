import { describe, expect, it } from "vitest";
import { filesOutsideScope, mergeVerdict } from "../../src/core/merge-verdict.js";
import type { Milestone } from "../../src/core/plan/plan.js";
import { isWeaveOwnedPath, WEAVE_OWNED_BRANCH_PATHS, weaveDirIntruders } from "../../src/core/weave-owned-paths.js";

const clean = { clean: true, tree: "T", conflicts: [] };
const weaveOnly = { clean: false, tree: "T", conflicts: [".weave/notes.md"] };
const code = { clean: false, tree: "T", conflicts: ["src/a.ts", ".weave/notes.md"] };

describe("mergeVerdict", () => {
  it.each([
    ["already on target wins over everything", { merged: code, scopeWarnings: ["x"], strictScope: true, alreadyOnTarget: true }, { kind: "landed" }],
    ["strict scope blocks before conflicts", { merged: code, scopeWarnings: ["x"], strictScope: true }, { kind: "out-of-scope", files: ["x"] }],
    ["warn scope lets a conflict through", { merged: code, scopeWarnings: ["x"], strictScope: false }, { kind: "conflict", files: ["src/a.ts", ".weave/notes.md"], scopeWarnings: ["x"] }],
    ["clean merge", { merged: clean, scopeWarnings: [], strictScope: true }, { kind: "clean", tree: "T", overlay: [], scopeWarnings: [] }],
    ["a conflict under .weave/ that weave did not write blocks like any other", { merged: weaveOnly, scopeWarnings: ["y"], strictScope: false }, { kind: "conflict", files: [".weave/notes.md"], scopeWarnings: ["y"] }],
    ["not on target: conflict", { merged: code, scopeWarnings: [], strictScope: true, alreadyOnTarget: false }, { kind: "conflict", files: ["src/a.ts", ".weave/notes.md"], scopeWarnings: [] }],
    ["strict: a force-added .weave/ file is refused, named", { merged: clean, scopeWarnings: [".weave/evil.sh"], strictScope: true }, { kind: "out-of-scope", files: [".weave/evil.sh"] }],
    ["warn, on GitHub: a .weave/ file is only reported", { merged: clean, scopeWarnings: [".weave/evil.sh"], strictScope: false }, { kind: "clean", tree: "T", overlay: [], scopeWarnings: [".weave/evil.sh"] }],
    ["local checkout: a .weave/ file never lands, scope or force aside", { merged: clean, scopeWarnings: ["src/x.ts", ".weave/state.json"], strictScope: false, localCheckout: true }, { kind: "out-of-scope", files: [".weave/state.json"], runFolder: true }],
    ["local checkout, no .weave/ file: the usual scope rule", { merged: clean, scopeWarnings: ["src/x.ts"], strictScope: false, localCheckout: true }, { kind: "clean", tree: "T", overlay: [], scopeWarnings: ["src/x.ts"] }],
    ["local checkout: landed still wins", { merged: clean, scopeWarnings: [".weave/state.json"], strictScope: false, localCheckout: true, alreadyOnTarget: true }, { kind: "landed" }],
  ] as const)("%s", (_name, input, expected) => {
    expect(mergeVerdict({ ...input, merged: { ...input.merged, conflicts: [...input.merged.conflicts] }, scopeWarnings: [...input.scopeWarnings] })).toEqual(expected);
  });
});

const milestone = (files: string[]): Milestone => ({ id: "M", tasks: ["t"], files, depends_on: [] }) as unknown as Milestone;

describe("filesOutsideScope", () => {
  it.each([
    ["no declared files: nothing outside but .weave/", [], ["src/a.ts", ".weave/evil.sh"], [".weave/evil.sh"]],
    ["declared files cover src/", ["src/**"], ["src/a.ts", "README.md"], ["README.md"]],
    ["a .weave/ state file is outside every scope", ["src/**"], ["src/a.ts", ".weave/state.json"], [".weave/state.json"]],
    ["even when the declared files name .weave/", [".weave/**"], [".weave/run/M.status.json"], [".weave/run/M.status.json"]],
    [".weave itself (a file named so)", [], [".weave"], [".weave"]],
    ["a look-alike is an ordinary path", ["src/**"], [".weaver/x", "x/.weave/y"], [".weaver/x", "x/.weave/y"]],
    ["nothing changed", ["src/**"], [], []],
  ] as const)("%s", (_name, files, changed, expected) => {
    expect(filesOutsideScope(milestone([...files]), changed)).toEqual(expected);
  });
});

describe("weave's own paths on a branch", () => {
  it("are none today: the worker commits nothing under .weave/ (checkpoints are commit messages)", () => {
    expect(WEAVE_OWNED_BRANCH_PATHS).toEqual([]);
    expect(isWeaveOwnedPath(".weave/state.json")).toBe(false);
    expect(weaveDirIntruders(["src/a.ts", ".weave/evil.sh", ".weave/state.json", ".weave"])).toEqual([".weave/evil.sh", ".weave/state.json", ".weave"]);
  });
});
