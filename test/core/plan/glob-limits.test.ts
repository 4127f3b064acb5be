import { describe, expect, it } from "vitest";
import { expandBraces, GLOB_LIMITS, globProblem, globsOverlap, wildcardMatches } from "../../../src/core/plan/glob-overlap.js";
import { findFileOverlaps } from "../../../src/core/plan/file-overlap.js";

describe("wildcardMatches (linear, no backtracking regex)", () => {
  const table: [string, string, boolean][] = [
    ["abc", "abc", true], ["abc", "a?c", true], ["abc", "*", true], ["", "*", true], ["abc", "a*", true],
    ["abc", "*c", true], ["abc", "*b*", true], ["abc", "*d*", false], ["aXbXc", "a*b*c", true], ["ab", "a*b*c", false],
    [".env", "*", true], ["abc", "ab", false], ["ab", "abc", false], ["aaa", "a*a*a*a", false],
  ];
  for (const [literal, pattern, want] of table) it(`${literal} ~ ${pattern} → ${want}`, () => expect(wildcardMatches(literal, pattern)).toBe(want));

  it("answers on the pattern that made picomatch backtrack for seconds", () => {
    expect(globsOverlap("src/*a*a*a*a*a*a*a*a*a*a*a*a*b", `src/${"a".repeat(60)}c`)).toBe(false);
    expect(globsOverlap("src/*a*a*a*a*a*a*a*a*a*a*a*a*b", `src/${"a".repeat(60)}b`)).toBe(true);
  });
});

describe("globProblem", () => {
  const table: [string, RegExp | undefined][] = [
    ["src/**/*.ts", undefined],
    ["src/*a*a*a*a*a*a*a*a*a*a*a*a*b", undefined],
    [`src/${"*a".repeat(GLOB_LIMITS.wildcards)}*b`, /wildcards; at most 16/],
    ["src/{a,b,c,d,e,f,g,h}/{a,b,c,d,e,f,g,h}/{a,b,c,d}.ts", undefined],
    ["src/{a,b,c,d,e,f,g,h}/{a,b,c,d,e,f,g,h}/{a,b,c,d,e}.ts", /more than 256 alternatives/],
    [`src/${"x".repeat(GLOB_LIMITS.length)}`, /characters long/],
  ];
  for (const [pattern, want] of table) {
    it(`${pattern.slice(0, 50)} → ${want ?? "fine"}`, () => {
      if (want === undefined) expect(globProblem(pattern)).toBeUndefined();
      else expect(globProblem(pattern)).toMatch(want);
    });
  }
});

describe("brace expansion is never cut short", () => {
  const many = `src/f{${Array.from({ length: 100 }, (_, i) => i).join(",")}}.ts`;
  it("expands every alternative within the limit (more than 64)", () => {
    const out = expandBraces(many);
    expect(out).toHaveLength(100);
    expect(out.at(-1)).toBe("src/f99.ts");
  });
  it("a holder of the 100th alternative overlaps (serialize must hold them apart)", () => {
    expect(globsOverlap(many, "src/f99.ts")).toBe(true);
    const overlaps = findFileOverlaps([{ id: "A", files: [many] }, { id: "B", files: ["src/f99.ts"] }]);
    expect(overlaps.length).toBeGreaterThan(0);
  });
  it("past the limit the comparison stays conservative instead of dropping alternatives", () => {
    const huge = "src/{a,b,c,d,e,f,g,h}/{a,b,c,d,e,f,g,h}/{a,b,c,d,e,f,g,h}.ts";
    expect(globsOverlap(huge, "src/h/h/h.ts")).toBe(true);
  });
});
