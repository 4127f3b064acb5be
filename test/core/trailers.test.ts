import { describe, expect, it } from "vitest";
import { TRAILER, formatTrailers, hasTrailer, mergeTrailers, readCost, readTrailer } from "../../src/core/trailers.js";
import { formatCheckpointMessage, formatResolveMessage, parseCheckpoint, parseResolveCost, progressFrom } from "../../src/worker/checkpoint.js";

describe("trailers", () => {
  it.each([
    ["subject\n\nWeave-Milestone: M1\n", TRAILER.milestone, "M1"],
    ["subject\n\nWeave-Milestone:   M1   \n", TRAILER.milestone, "M1"],
    ["subject\n\nWeave-Milestone: M1 M2\n", TRAILER.milestone, undefined],
    ["subject\n\n Weave-Milestone: M1\n", TRAILER.milestone, undefined],
    ["subject Weave-Milestone: M1\n", TRAILER.milestone, undefined],
    ["a\n\nWeave-Merged: M2\nWeave-Milestone: M2\n", TRAILER.merged, "M2"],
    ["a\n\nWeave-Milestone: M2\n", TRAILER.merged, undefined],
  ] as const)("reads %j's %s", (message, key, expected) => {
    expect(readTrailer(message, key)).toBe(expected);
  });

  it.each([
    ["x\n\nWeave-Cost-USD: 1.2500\n", 1.25],
    ["x\n\nWeave-Cost-USD: 1.2.3\n", 0],
    ["x\n\nWeave-Cost-USD: -1\n", 0],
    ["x\n", 0],
  ])("reads the cost of %j", (message, cost) => {
    expect(readCost(message)).toBe(cost);
  });

  it("formats the merge-back block both homes write", () => {
    expect(mergeTrailers("M3", 0.5)).toBe("Weave-Merged: M3\nWeave-Milestone: M3\nWeave-Cost-USD: 0.5000");
    expect(formatTrailers([[TRAILER.resolve, "main"]])).toBe("Weave-Resolve: main");
    expect(hasTrailer("x\n\nWeave-Resolve: main\n", TRAILER.resolve)).toBe(true);
    expect(hasTrailer("x\n\nWeave-Resolve:\n", TRAILER.resolve)).toBe(false);
  });
});

describe("checkpoint messages through the trailers module", () => {
  it.each([
    [{ task: 2, of: 3, costUsd: 0.1, partial: false, costUnknown: false }],
    [{ task: 1, of: 4, costUsd: 0, partial: true, costUnknown: true }],
  ])("round-trips %j", (c) => {
    const message = formatCheckpointMessage({ milestone: "M1", taskText: "do it\nmore", notes: "be careful", ...c });
    expect(message).toContain(`Weave-Task: ${c.task}/${c.of}${c.partial ? " partial" : ""}\n`);
    expect(parseCheckpoint(message)).toEqual({ milestone: "M1", ...c });
  });

  it.each([
    ["weave(M1): task 1/2\n\nWeave-Milestone: M1\n", undefined],
    ["weave(M1): task 1/2\n\nWeave-Task: 1/2\n", undefined],
    ["weave(M1): task 1/2\n\nWeave-Milestone: M1\nWeave-Task: 1/2 later\n", undefined],
    ["weave(M1): task 1/2\n\nWeave-Milestone: M1\nWeave-Task: 1/2\nWeave-Cost-Unknown: yes\n", { milestone: "M1", task: 1, of: 2, costUsd: 0, costUnknown: false, partial: false }],
  ])("parses %j", (message, expected) => {
    expect(parseCheckpoint(message)).toEqual(expected);
  });

  it("counts resolve merges' cost only for their milestone", () => {
    const resolve = formatResolveMessage({ milestone: "M1", target: "main", costUsd: 0.25, conflicted: true });
    expect(resolve).toContain("Weave-Resolve: main\n");
    expect(parseResolveCost(resolve, "M1")).toBe(0.25);
    expect(parseResolveCost(resolve, "M2")).toBeUndefined();
    const done = formatCheckpointMessage({ milestone: "M1", task: 1, of: 2, taskText: "t", costUsd: 1 });
    expect(progressFrom([done, resolve], "M1")).toEqual({ tasksDone: 1, costUsd: 1.25, costUnknown: false });
  });
});
