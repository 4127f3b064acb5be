// A reader never sees a lock file or the run state half written (issue 12): `weave status` once said "no
// coordinator" under load. A coordinator lock made by `open(wx)` then a write exists empty for a moment, and a reader
// then names no holder (status: `coordinator: null`; a control command: no coordinator, so it takes the lock itself and
// fails "already running"). Locks now appear whole (temp file + hard link). Real processes, the built modules: one
// takes and gives back the lock (and saves the state) over and over, another reads both as fast as it can.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./local-fixtures.js";

const module = (name: string): string => pathToFileURL(join(ROOT, `dist/src/local/${name}.js`)).href;

/** Takes and releases the coordinator lock `cycles` times, saving the run state every 8th; then leaves a `done` file. */
const WRITER = `
const { acquireCoordinatorLock } = await import(process.argv[1]);
const { newRunState, saveRunState } = await import(process.argv[2]);
const { writeFile } = await import("node:fs/promises");
const [lock, state, done, cycles] = process.argv.slice(3);
const run = newRunState("r1", "weave.yml", "main", ["a"], [1], new Date());
for (let i = 0; i < Number(cycles); i++) {
  const held = await acquireCoordinatorLock(lock);
  if (i % 8 === 0) {
    run.events.push({ at: new Date().toISOString(), kind: "tick", detail: "x".repeat(i % 200) });
    await saveRunState(state, run, new Date());
  }
  await held.release();
}
await writeFile(done, "");
`;

/** Reads the lock's text and the state until the writer is done: how many reads found a file, how many were torn. */
const READER = `
const { loadRunState } = await import(process.argv[1]);
const { readFile } = await import("node:fs/promises");
const { existsSync } = await import("node:fs");
const [lock, state, done] = process.argv.slice(2);
let locks = 0, tornLocks = 0, states = 0, tornStates = 0;
while (!existsSync(done)) {
  const text = await readFile(lock, "utf8").catch(() => undefined);
  if (text !== undefined) {
    locks++;
    try { if (typeof JSON.parse(text).pid !== "number") tornLocks++; } catch { tornLocks++; }
  }
  try { if (await loadRunState(state)) states++; } catch { tornStates++; }
}
console.log(JSON.stringify({ locks, tornLocks, states, tornStates }));
`;

const node = (script: string, args: string[]): Promise<string> => new Promise((resolve, reject) => {
  execFile(process.execPath, ["--input-type=module", "-e", script, ...args], { timeout: 120_000 }, (e, stdout, stderr) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(stdout)));
});

describe("reading the coordinator lock and the run state while they are written", () => {
  it("never finds either half written", { timeout: 150_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "weave-lock-read-"));
    t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const [lock, state, done] = ["coordinator.lock", "state.json", "done"].map((n) => join(dir, n)) as [string, string, string];
    const reader = node(READER, [module("state-store"), lock, state, done]);
    await node(WRITER, [module("locks"), module("state-store"), lock, state, done, "3000"]);
    const seen = JSON.parse(await reader) as { locks: number; tornLocks: number; states: number; tornStates: number };
    // The reader did read while the writer wrote (else this proves nothing).
    expect(seen.locks, JSON.stringify(seen)).toBeGreaterThan(50);
    expect(seen.states, JSON.stringify(seen)).toBeGreaterThan(50);
    expect(seen, JSON.stringify(seen)).toMatchObject({ tornLocks: 0, tornStates: 0 });
  });
});
