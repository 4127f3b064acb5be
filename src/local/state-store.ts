/**
 * Coordinator state (`.weave/state.json`): what the local coordinator knows of a run, versioned and atomic.
 * Responsibilities: a new run's state, load through its contract (migrating older versions, refusing newer ones),
 * save after every transition (stamped with the current version), an event log (capped).
 * Not here: the record shapes and versions (core/contracts/run-state.ts); what is true in git (checked on every tick
 * by local/coordinator.ts: git wins over this file).
 * Invariants: written only by the lock holder; every state change goes through core/lifecycle.ts `transition`.
 */
import { RUN_STATE_VERSION, runStateContract } from "../core/contracts/run-state.js";
import type { MilestoneRecord, RunState } from "../core/contracts/run-state.js";
import { WeaveError } from "../core/errors.js";
import type { MilestoneState } from "../core/lifecycle.js";
import { transition } from "../core/lifecycle.js";
import { readContractFile, writeJsonAtomic } from "./atomic-json.js";

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
  return readContractFile(path, runStateContract);
}

export async function saveRunState(path: string, state: RunState, now: Date): Promise<void> {
  state.version = RUN_STATE_VERSION;
  state.updatedAt = now.toISOString();
  if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
  await writeJsonAtomic(path, state);
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
