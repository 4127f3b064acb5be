import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { expandBraces, globsOverlap } from "../../../src/core/plan/glob-overlap.js";
import { findFileOverlaps } from "../../../src/core/plan/file-overlap.js";

describe("globsOverlap", () => {
  it.each([
    ["src/auth/**", "src/auth/login.ts", true],
    ["src/auth/**", "src/authz/x.ts", false],
    ["src/auth", "src/auth/login.ts", true],
    ["src/*.ts", "src/a.ts", true],
    ["src/*.ts", "src/a.js", false],
    ["src/*.ts", "src/*.js", false],
    ["src/*.ts", "src/x/*.ts", false],
    ["src/**/*.ts", "src/x/y/z.ts", true],
    ["**/*.md", "docs/a/b.md", true],
    ["**/*.md", "docs/a/b.ts", false],
    ["docs/{a,b}.md", "docs/b.md", true],
    ["docs/{a,b}.md", "docs/c.md", false],
    ["src/a?.ts", "src/ab.ts", true],
    ["src/a*", "src/b*", false],
    ["src/types.ts", "src/types.ts", true],
    ["src/types.ts", "./src/types.ts", true],
    ["src/types.ts", "src/middleware.ts", false],
  ])("%s ∩ %s → %s", (a, b, expected) => {
    expect(globsOverlap(a, b)).toBe(expected);
    expect(globsOverlap(b, a)).toBe(expected);
  });

  it("expands nested braces", () => {
    expect(expandBraces("a/{b,c{d,e}}/f")).toEqual(["a/b/f", "a/cd/f", "a/ce/f"]);
  });
});

describe("findFileOverlaps", () => {
  it("reports each overlapping pair once with the shared paths", () => {
    const overlaps = findFileOverlaps([
      { id: "M002", files: ["src/auth/**", "src/middleware.ts", "src/types.ts"] },
      { id: "M003", files: ["src/ui/**", "src/types.ts", "src/middleware.ts"] },
      { id: "M004", files: ["src/auth/login.ts"] },
      { id: "M005", files: ["docs/**"] },
    ]);
    expect(overlaps).toEqual([
      { a: "M002", b: "M003", files: ["src/middleware.ts", "src/types.ts"] },
      { a: "M002", b: "M004", files: ["src/auth/login.ts"] },
    ]);
  });

  it("agrees with comparing every pair (property)", () => {
    const segment = fc.constantFrom("src", "lib", "a", "b", "*", "**", "*.ts", "x.ts", "{a,b}");
    const pattern = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
    const owners = fc.array(fc.array(pattern, { maxLength: 3 }), { maxLength: 6 }).map((files) => files.map((f, i) => ({ id: `M${i}`, files: f })));
    fc.assert(
      fc.property(owners, (list) => {
        const indexed = findFileOverlaps(list).map((o) => `${o.a}|${o.b}`);
        const naive: string[] = [];
        for (let i = 0; i < list.length; i++)
          for (let j = i + 1; j < list.length; j++)
            if (list[i]!.files.some((x) => list[j]!.files.some((y) => globsOverlap(x, y)))) naive.push(`${list[i]!.id}|${list[j]!.id}`);
        expect(indexed).toEqual(naive);
      }),
      { numRuns: 300 },
    );
  });
});
