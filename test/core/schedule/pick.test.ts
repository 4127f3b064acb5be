import { describe, expect, it } from "vitest";
import type { PickInput } from "../../../src/core/schedule/pick.js";
import { pickToStart } from "../../../src/core/schedule/pick.js";

const ranks: Record<string, number> = { M1: 3, M2: 0, M3: 1, M4: 1 };
const rankOf = (id: string): number => ranks[id] ?? Number.NaN;

describe("pickToStart", () => {
  const cases: [string, Omit<PickInput, "rankOf">, ReturnType<typeof pickToStart>][] = [
    ["best-ranked first, ties in eligible order", { eligible: ["M1", "M4", "M3", "M2"], freeSlots: 9 }, { start: ["M2", "M4", "M3", "M1"] }],
    ["at most the free slots", { eligible: ["M1", "M2", "M3"], freeSlots: 2 }, { start: ["M2", "M3"], reason: "no-free-slots" }],
    ["no free slots", { eligible: ["M1"], freeSlots: 0 }, { start: [], reason: "no-free-slots" }],
    ["nothing eligible", { eligible: [], freeSlots: 3 }, { start: [], reason: "nothing-eligible" }],
    ["unknown rank sorts last", { eligible: ["X", "M1"], freeSlots: 1 }, { start: ["M1"], reason: "no-free-slots" }],
    ["duplicates start once", { eligible: ["M2", "M2"], freeSlots: 2 }, { start: ["M2"] }],
    ["fractional slots round down", { eligible: ["M1", "M2"], freeSlots: 1.7 }, { start: ["M2"], reason: "no-free-slots" }],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(pickToStart({ ...input, rankOf })).toEqual(expected);
  });
});
