/**
 * Coordinator state (`.weave/state.json`): what the local coordinator knows of a run, versioned and atomic.
 * Responsibilities: the record shapes, load with migration, save after every transition, an event log (capped).
 * Not here: what is true in git (checked on every tick by local/coordinator.ts: git wins over this file).
 * Invariants: written only by the lock holder; every state change goes through core/lifecycle.ts `transition`.
 */
import { WeaveError } from "../core/errors.js";
import type { MilestoneState } from "../core/lifecycle.js";
import { transition } from "../core/lifecycle.js";
import type { VerifyStatus } from "../ports/reporter.js";
import { readJson, writeJsonAtomic } from "./atomic-json.js";

export const STATE_VERSION = 1;
const MAX_EVENTS = 500;

export interface MilestoneRecord {
  state: MilestoneState;
  /** Worker starts so far (the first start included). */
  attempts: number;
  /** Stale requeues so far. */
  requeues: number;
  slot?: number;
  pid?: number;
  startedAt?: string;
  finishedAt?: string;
  mergedAt?: string;
  costUsd: number;
  tasksDone: number;
  tasks: number;
  headSha?: string;
  mergeCommit?: string;
  reason?: string;
  lastOutput?: string[];
  conflictFiles?: string[];
  scopeWarnings?: string[];
  verify?: VerifyStatus;
  /** Set by `weave merge --force`: land even though verify failed. */
  forceMerge?: boolean;
  /** Set by `weave merge`: merge even under `merge.auto: confirm|manual`. */
  mergeRequested?: boolean;
  /** The last merge failed for a reason a person must fix (dirty checkout, strict scope): no automatic retry. */
  mergeBlocked?: boolean;
}

export interface RunEvent {
  at: string;
  kind: string;
  id?: string;
  detail?: string;
}

export interface RunState {
  version: typeof STATE_VERSION;
  runId: string;
  planFile: string;
  target: string;
  startedAt: string;
  updatedAt: string;
  budgetStopped: boolean;
  milestones: Record<string, MilestoneRecord>;
  events: RunEvent[];
}

export function newRunState(runId: string, planFile: string, target: string, ids: readonly string[], taskCounts: readonly number[], now: Date): RunState {
  return {
    version: STATE_VERSION, runId, planFile, target, startedAt: now.toISOString(), updatedAt: now.toISOString(), budgetStopped: false,
    milestones: Object.fromEntries(ids.map((id, i) => [id, newRecord(taskCounts[i] ?? 0)])),
    events: [],
  };
}

export function newRecord(tasks: number): MilestoneRecord {
  return { state: "pending", attempts: 0, requeues: 0, costUsd: 0, tasksDone: 0, tasks };
}

export async function loadRunState(path: string): Promise<RunState | undefined> {
  const raw = await readJson<{ version?: unknown }>(path);
  if (raw === undefined) return undefined;
  if (raw.version !== STATE_VERSION) {
    throw new WeaveError("io-failed", `${path} has state version ${String(raw.version)}; this weave reads version ${STATE_VERSION}`, {
      hint: "finish the run with the weave that started it, or move the file away to start afresh",
    });
  }
  return raw as RunState;
}

export async function saveRunState(path: string, state: RunState, now: Date): Promise<void> {
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
