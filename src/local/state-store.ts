/**
 * Coordinator state (`.weave/state.json`): what the local coordinator knows of a run, versioned and atomic.
 * Responsibilities: a new run's state, load through its contract (migrating older versions, refusing newer ones),
 * save after every transition (stamped with the current version), an event log (capped) — every read and write
 * through the state file's Store (local/state-file-store.ts: compare-and-swap on a content hash).
 * Not here: the record shapes and versions (core/contracts/run-state.ts); what is true in git (checked on every tick
 * by local/coordinator.ts: git wins over this file); the compare-and-swap itself (local/state-file-store.ts).
 * Invariants: every state change goes through core/lifecycle.ts `transition`; the coordinator lock's holder owns the
 * record (`openRunStateFile`: a write someone else made meanwhile is logged and written over), every other writer
 * reads, changes and writes again until its swap lands (`updateRunState`).
 */
import { RUN_STATE_VERSION } from "../core/contracts/run-state.js";
import type { MilestoneRecord, RunState } from "../core/contracts/run-state.js";
import { WeaveError } from "../core/errors.js";
import type { MilestoneState } from "../core/lifecycle.js";
import { transition } from "../core/lifecycle.js";
import type { Stored } from "../ports/store.js";
import { createStateFileStore } from "./state-file-store.js";

export type { MilestoneRecord, RunEvent, RunState } from "../core/contracts/run-state.js";

const MAX_EVENTS = 500;

export function newRunState(runId: string, planFile: string, target: string, ids: readonly string[], taskCounts: readonly number[], now: Date): RunState {
  return {
    version: RUN_STATE_VERSION, runId, planFile, target, startedAt: now.toISOString(), updatedAt: now.toISOString(), budgetStopped: false,
    milestones: Object.fromEntries(ids.map((id, i) => [id, newRecord(taskCounts[i] ?? 0)])),
    events: [],
  };
}

export function newRecord(tasks: number): MilestoneRecord {
  return { state: "pending", attempts: 0, requeues: 0, costUsd: 0, tasksDone: 0, tasks };
}

/**
 * The run state, migrated from an older version if need be; undefined when there is none. A file of a newer weave,
 * or one that is not a run state, throws WeaveError (`contract-newer`: the hint says to upgrade; `contract-invalid`:
 * which field, and to move the file away).
 */
export async function loadRunState(path: string): Promise<RunState | undefined> {
  return (await createStateFileStore(path).read())?.value;
}

/** A run's state file as the coordinator lock's holder keeps it: what was loaded, and its saves. */
export interface RunStateFile {
  loaded: RunState | undefined;
  /** Writes `state` over the version last read or written here (one save at a time, in call order). */
  save(state: RunState, now: Date): Promise<void>;
}

/** How many times a save or an update reads again after losing its swap before it gives up. */
const MAX_SWAPS = 30;
/** After a lost swap, a pause of up to this many ms per loss so far (writers racing spread out instead of colliding again). */
const BACKOFF_MS = 4;
const backoff = (losses: number): Promise<void> => new Promise((r) => setTimeout(r, Math.floor(Math.random() * BACKOFF_MS * losses)));

/**
 * Opens the state file for the holder of the coordinator lock. Its saves are compare-and-swaps on the version it
 * read; one that loses (someone wrote the file without the lock: `weave doctor --fix` beside a live coordinator)
 * reads the file again (a newer weave's or an invalid file still throws its contract error), says so in the run's
 * events and writes the holder's record over it — the holder owns the run.
 */
export async function openRunStateFile(path: string): Promise<RunStateFile> {
  const store = createStateFileStore(path);
  let last: Stored<RunState> | undefined = await store.read();
  let queue: Promise<unknown> = Promise.resolve();
  const save = async (state: RunState, now: Date): Promise<void> => {
    stamp(state, now);
    for (let swap = 0; swap < MAX_SWAPS; swap++) {
      const written = await store.write(last, state);
      if (written) {
        last = written;
        return;
      }
      last = await store.read();
      state.events.push({ at: now.toISOString(), kind: "state-overwritten", detail: "state.json was written by another process while this one held the run; this run's record was kept" });
    }
    throw lostTooOften(path);
  };
  return {
    loaded: last?.value,
    save: (state, now) => {
      const next = queue.then(() => save(state, now));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * Changes the run state by `change` and writes it, reading again and changing again whenever another writer got
 * there first; `change` returns false to write nothing. The state written, or undefined (no state, or nothing to do).
 */
export async function updateRunState(path: string, now: Date, change: (state: RunState) => boolean | void): Promise<RunState | undefined> {
  const store = createStateFileStore(path);
  for (let swap = 0; swap < MAX_SWAPS; swap++) {
    const current = await store.read();
    if (!current) return undefined;
    const state = structuredClone(current.value);
    if (change(state) === false) return undefined;
    stamp(state, now);
    const written = await store.write(current, state);
    if (written) return written.value;
    await backoff(swap + 1);
  }
  throw lostTooOften(path);
}

/** Writes `state` as the run's whole record over the run state there is (a file the contract refuses still throws). */
export async function saveRunState(path: string, state: RunState, now: Date): Promise<void> {
  const store = createStateFileStore(path);
  stamp(state, now);
  for (let swap = 0; swap < MAX_SWAPS; swap++) {
    if (await store.write(await store.read(), state)) return;
  }
  throw lostTooOften(path);
}

function stamp(state: RunState, now: Date): void {
  state.version = RUN_STATE_VERSION;
  state.updatedAt = now.toISOString();
  if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
}

function lostTooOften(path: string): WeaveError {
  return new WeaveError("already-running", `${path} kept changing under this weave: ${MAX_SWAPS} writes in a row lost to another process's`, { hint: "another weave is writing this run: `weave status` shows whether a coordinator runs; `weave doctor` lists what is left behind" });
}

/** Moves a milestone through the lifecycle (rejecting illegal moves) and logs the event. */
export function moveMilestone(state: RunState, id: string, to: MilestoneState, now: Date, detail?: string): MilestoneRecord {
  const record = state.milestones[id];
  if (!record) throw new WeaveError("internal", `no record for ${id}`);
  if (record.state !== to) {
    record.state = transition(id, record.state, to);
    state.events.push({ at: now.toISOString(), kind: to, id, detail });
  }
  return record;
}
