import { describe, expect, it } from "vitest";
import { z } from "zod";
import { versioned } from "../../src/core/contracts/versioned.js";
import { errorOf } from "./contract-fixtures.js";

// A contract with two steps: version 0 (no `version`) named the field `n`, version 1 `count`, version 2 adds `unit`.
const order: string[] = [];
const toy = versioned({
  what: "a toy file",
  version: 2,
  schema: z.object({ version: z.literal(2), count: z.number().int(), unit: z.string() }),
  migrations: {
    0: (old) => {
      order.push("0→1");
      const { n, ...rest } = old;
      return { ...rest, count: n };
    },
    1: (old) => {
      order.push("1→2");
      return { ...old, unit: "tasks" };
    },
  },
  invalidHint: "move it away",
});

describe("versioned()", () => {
  it.each([
    ["current", { version: 2, count: 3, unit: "s" }, ""],
    ["version 1, one step", { version: 1, count: 3 }, "1→2"],
    ["no version (0), two steps in order", { n: 3 }, "0→1,1→2"],
  ])("reads %s", (_name, value, steps) => {
    order.length = 0;
    expect(toy.parse(value, "toy.json")).toMatchObject({ version: 2, count: 3 });
    expect(order.join(",")).toBe(steps);
  });

  it("migrates a copy: the value read is left as it was", () => {
    const value = { n: 3 };
    toy.parse(value, "toy.json");
    expect(value).toEqual({ n: 3 });
  });

  it("refuses a newer version with contract-newer and a hint to upgrade", () => {
    const e = errorOf(() => toy.parse({ version: 3, count: 1, unit: "s" }, "toy.json"));
    expect(e.code).toBe("contract-newer");
    expect(e.message).toBe("toy.json is a toy file of version 3; this weave reads versions up to 2");
    expect(e.hint).toMatch(/upgrade weave/);
  });

  it.each([
    ["null", null, "expected a JSON object, got null"],
    ["an array", [1], "expected a JSON object, got an array"],
    ["a string", "hello", 'expected a JSON object, got the string "hello"'],
    ["a number", 7, "expected a JSON object, got number 7"],
    ["a text version", { version: "2" }, 'version: expected a whole number, got the string "2"'],
    ["a fractional version", { version: 1.5 }, "version: expected a whole number, got number 1.5"],
    ["a negative version", { version: -1 }, "version: expected a whole number, got number -1"],
    ["a wrong field", { version: 2, count: "three", unit: "s" }, "count: "],
    ["a missing field after migration", { version: 1 }, "count: "],
  ])("refuses %s with contract-invalid naming the field", (_name, value, problem) => {
    const e = errorOf(() => toy.parse(value, "toy.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toContain("toy.json is not a toy file weave can read: ");
    expect(e.message).toContain(`can read: ${problem}`);
    expect(e.problems).toEqual([]);
    expect(e.hint).toBe("move it away");
  });

  it("lists every bad field, not only the first", () => {
    const e = errorOf(() => toy.parse({ version: 2, count: "x", unit: 5 }, "toy.json"));
    expect(e.message).toBe("toy.json is not a toy file weave can read: 2 problems");
    expect(e.problems.map((p) => p.message.split(":")[0]).sort()).toEqual(["count", "unit"]);
    const checked = toy.check({ version: 2, count: "x", unit: 5 }, "toy.json");
    expect(!checked.ok && checked.problems.map((p) => p.split(":")[0]).sort()).toEqual(["count", "unit"]);
  });

  it("refuses a version older than any migration reaches", () => {
    const noOld = versioned({ what: "a toy file", version: 2, schema: z.object({ version: z.literal(2) }), migrations: { 1: (o) => o }, invalidHint: "h" });
    const e = errorOf(() => noOld.parse({ version: 0 }, "toy.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toBe("toy.json is not a toy file weave can read: version: 0 is older than any version this weave reads (1–2)");
  });

  it.each(["", "{", "not json", "\u0000\u0001"])("reads text that is not JSON (%j) as contract-invalid, never a SyntaxError", (text) => {
    const e = errorOf(() => toy.parseText(text, "toy.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toMatch(/can read: not JSON/);
  });

  it("check() answers instead of throwing", () => {
    expect(toy.check({ n: 1 }, "toy.json")).toMatchObject({ ok: true, value: { count: 1 } });
    const bad = toy.check(undefined, "toy.json");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe("contract-invalid");
  });
});
