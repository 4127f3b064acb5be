import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePeers, parseStg } from "../../../bench/stg.js";
import { computeRankDetails } from "../../../src/core/schedule/priorities.js";
import { criticalPathLength } from "../../../src/core/schedule/schedule-graph.js";

const stgDir = process.env.WEAVE_STG_DIR ?? fileURLToPath(new URL("../../../../shared/bench/stg", import.meta.url));
const sample = `${stgDir}/50/rand0000.stg`;

describe.skipIf(!existsSync(sample))("STG smoke", () => {
  it("parses a real graph and schedules it at its listed optimum", () => {
    const text = readFileSync(sample, "utf8");
    const g = parseStg(text);
    expect(g.durations).toHaveLength(50);
    expect(criticalPathLength(g)).toBe(Number(/CP Length\s*:\s*(\d+)/.exec(text)?.[1]));
    const optimum = readFileSync(`${stgDir}/optimal/Case50_4_OPT.csv`, "utf8").split("\n").find((l) => l.startsWith("50/rand0000.stg,"));
    expect(computeRankDetails(g, { workers: 4 }).makespan).toBe(Number(optimum?.split(",")[2]));
  });
  it("reads the peer rows of the Case groups only", () => {
    const peers = parsePeers(readFileSync(`${stgDir}/peer-heuristics-percent-above-optimal.txt`, "utf8"));
    expect([...peers.keys()]).toHaveLength(8);
    expect(peers.get("Case50_2")?.swapsearch).toBe(0.46);
  });
});

describe("parseStg", () => {
  it("drops the dummy entry and exit tasks and reads wrapped predecessor lists", () => {
    const g = parseStg(["2", "0 0 0", "1 4 1 0", "2 3", "2 0 1", "3 0 2 1 2", "# comment"].join("\n"));
    expect(g.durations).toEqual([4, 3]);
    expect(g.deps).toEqual([[], [0]]);
  });
});
