// How the run's writers use the state file's Store (local/state-store.ts): the coordinator lock's holder owns the
// record (a write made beside it is noted and written over), other writers read-change-write until their swap lands,
// and one holder's saves never race each other. Real files in a temp dir.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWeaveError } from "../../src/core/errors.js";
import { createStateFileStore } from "../../src/local/state-file-store.js";
import { loadRunState, newRunState, openRunStateFile, saveRunState, updateRunState } from "../../src/local/state-store.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");
let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weave-state-swap-"));
  path = join(dir, "state.json");
  await saveRunState(path, newRunState("r1", "weave.yml", "main", ["a", "b"], [1, 1], NOW), NOW);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openRunStateFile (the coordinator lock's holder)", () => {
  it("writes its record over a write made beside it, and says so once in the run's events", async () => {
    const file = await openRunStateFile(path);
    const state = file.loaded!;
    state.milestones.a!.state = "eligible";
    await file.save(state, NOW);
    // `weave doctor --fix` beside the live coordinator.
    await updateRunState(path, NOW, (s) => void (s.milestones.b!.reason = "doctor"));
    state.milestones.a!.state = "claimed";
    await file.save(state, NOW);
    await file.save(state, NOW);
    const after = (await loadRunState(path))!;
    expect(after.milestones.a!.state).toBe("claimed");
    expect(after.milestones.b!.reason).toBeUndefined();
    expect(after.events.filter((e) => e.kind === "state-overwritten")).toHaveLength(1);
  });

  it("saves one at a time in call order: saves made together never lose to each other", async () => {
    const file = await openRunStateFile(path);
    const state = file.loaded!;
    await Promise.all(Array.from({ length: 6 }, (_, i) => {
      state.milestones.a!.tasksDone = i;
      return file.save(state, NOW);
    }));
    const after = (await loadRunState(path))!;
    expect(after.events.filter((e) => e.kind === "state-overwritten")).toEqual([]);
    expect(after.milestones.a!.tasksDone).toBe(5);
  });

  it("refuses a newer weave's file with its contract error, and leaves it as it was", async () => {
    const newer = JSON.stringify({ ...(await loadRunState(path)), version: 2 });
    await writeFile(path, newer);
    const e = await openRunStateFile(path).then(() => undefined, (err: unknown) => err);
    expect(isWeaveError(e, "contract-newer")).toBe(true);
    expect(await readFile(path, "utf8")).toBe(newer);
  });
});

describe("updateRunState (a writer without the lock)", () => {
  it("of many updates made together, every one lands", async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => updateRunState(path, NOW, (s) => void s.events.push({ at: NOW.toISOString(), kind: "mark", detail: String(i) }))));
    const marks = (await loadRunState(path))!.events.filter((e) => e.kind === "mark").map((e) => Number(e.detail));
    expect(marks.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  });

  it("writes nothing when the change says so, or when there is no run", async () => {
    const store = createStateFileStore(path);
    const before = (await store.read())!.version;
    expect(await updateRunState(path, NOW, () => false)).toBeUndefined();
    expect((await store.read())!.version).toBe(before);
    expect(await updateRunState(join(dir, "none.json"), NOW, () => undefined)).toBeUndefined();
  });
});
