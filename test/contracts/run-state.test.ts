import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RUN_STATE_VERSION, runStateContract } from "../../src/core/contracts/run-state.js";
import { isWeaveError } from "../../src/core/errors.js";
import { loadRunState, moveMilestone, newRunState, saveRunState } from "../../src/local/state-store.js";
import { errorOf, mainFile, mainJson } from "./contract-fixtures.js";

const NOW = new Date("2026-12-02T08:00:00Z");
const fresh = () => newRunState("r1", ".github/weave.yml", "main", ["a", "b"], [2, 1], NOW);
const withState = (patch: (s: Record<string, unknown>) => void): Record<string, unknown> => {
  const s = structuredClone(mainJson("state.json"));
  patch(s);
  return s;
};

describe("run state contract (.weave/state.json)", () => {
  it("reads the state today's main wrote, field for field", () => {
    expect(runStateContract.parseText(mainFile("state.json"), "state.json")).toEqual(mainJson("state.json"));
  });

  it("reads what newRunState makes and a run moved through the lifecycle", () => {
    const s = fresh();
    moveMilestone(s, "a", "eligible", NOW);
    moveMilestone(s, "a", "claimed", NOW, "attempt 1");
    s.milestones.a!.verify = { state: "failed", attempt: 1, exitCode: null };
    expect(runStateContract.parse(JSON.parse(JSON.stringify(s)), "state.json")).toEqual(s);
  });

  it("refuses a newer version with a hint to upgrade weave", () => {
    const e = errorOf(() => runStateContract.parse({ ...fresh(), version: RUN_STATE_VERSION + 1 }, ".weave/state.json"));
    expect(e.code).toBe("contract-newer");
    expect(e.message).toContain(".weave/state.json");
    expect(e.hint).toMatch(/upgrade weave/);
  });

  it.each([
    ["no version (weave never wrote one)", (s: Record<string, unknown>) => delete s.version, "version: 0 is older"],
    ["a missing runId", (s: Record<string, unknown>) => delete s.runId, "runId: "],
    ["an unknown milestone state", (s: Record<string, unknown>) => ((s.milestones as Record<string, Record<string, unknown>>).api!.state = "flying"), "milestones.api.state: "],
    ["a negative cost", (s: Record<string, unknown>) => ((s.milestones as Record<string, Record<string, unknown>>).ui!.costUsd = -1), "milestones.ui.costUsd: "],
    ["events that are not a list", (s: Record<string, unknown>) => (s.events = {}), "events: "],
    ["a verify of no known state", (s: Record<string, unknown>) => ((s.milestones as Record<string, Record<string, unknown>>).ui!.verify = { state: "maybe", attempt: 1 }), "milestones.ui.verify.state: "],
  ])("refuses %s, naming the field", (_name, patch, problem) => {
    const e = errorOf(() => runStateContract.parse(withState(patch), ".weave/state.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toContain(`.weave/state.json is not a weave run state weave can read: ${problem}`);
    expect(e.hint).toMatch(/move the file away/);
  });
});

describe("loadRunState / saveRunState", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const path = async (text?: string): Promise<string> => {
    dir = await mkdtemp(join(tmpdir(), "weave-contract-"));
    const p = join(dir, "state.json");
    if (text !== undefined) await writeFile(p, text);
    return p;
  };

  it("loads today's main's file, saves it stamped, and loads it again", async () => {
    const p = await path(mainFile("state.json"));
    const state = (await loadRunState(p))!;
    expect(state.milestones.api!.state).toBe("merged");
    await saveRunState(p, state, NOW);
    const again = JSON.parse(await readFile(p, "utf8")) as { version: number; updatedAt: string };
    expect(again.version).toBe(RUN_STATE_VERSION);
    expect(again.updatedAt).toBe(NOW.toISOString());
    expect(await loadRunState(p)).toEqual(state);
  });

  it("is undefined when there is no file", async () => {
    expect(await loadRunState(await path())).toBeUndefined();
  });

  it.each([
    ["not JSON", "{ torn", "contract-invalid", /not JSON/],
    ["JSON of another shape", "[1, 2]", "contract-invalid", /expected a JSON object/],
    ["a newer weave's", JSON.stringify({ ...fresh(), version: 99 }), "contract-newer", /version 99/],
  ])("refuses a file that is %s with a WeaveError naming the path", async (_name, text, code, message) => {
    const p = await path(text);
    const e = await loadRunState(p).then(() => undefined, (err: unknown) => err);
    expect(isWeaveError(e, code as "contract-invalid")).toBe(true);
    expect((e as Error).message).toContain(p);
    expect((e as Error).message).toMatch(message);
  });
});
