/**
 * List scheduler: the allocation-free engine behind simulateSchedule and the priority search.
 * Responsibilities: online non-delay list scheduling on a virtual clock with N workers, ranks and conflict locks.
 * Not here: input validation and the public result shape (simulate.ts); choosing ranks (priorities.ts).
 * Invariants: O((n+e) log n) per run; a node starts only after all deps end, never beside a running conflict,
 * and whenever a worker is free the best-ranked startable ready node starts (ties: lower index) on the
 * lowest-numbered free worker.
 */
import { NodeHeap } from "./node-heap.js";
import type { ScheduleGraph } from "./schedule-graph.js";
import { WeaveError } from "../errors.js";

/** Where each node ran; filled by `run` when passed. */
export interface ScheduleTrace {
  start: Float64Array;
  end: Float64Array;
  worker: Int32Array;
  /** When the node's last dep ended (0 without deps): it waited from here to `start`. */
  ready: Float64Array;
  /** The node that ran on the same worker just before (-1 for a worker's first node). */
  previous: Int32Array;
}

export interface ListScheduler {
  readonly size: number;
  readonly workers: number;
  /** Runs the schedule with the given rank (lower starts first) and durations; returns the makespan. */
  run(rank: ArrayLike<number>, durations: ArrayLike<number>, trace?: ScheduleTrace): number;
}

/** Flattens adjacency lists into offsets + items (compressed rows). */
function compress(lists: readonly (readonly number[])[] | undefined, n: number): { offsets: Int32Array; items: Int32Array } {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = (offsets[i] ?? 0) + (lists?.[i]?.length ?? 0);
  const items = new Int32Array(offsets[n] ?? 0);
  for (let i = 0; i < n; i++) items.set(lists?.[i] ?? [], offsets[i] ?? 0);
  return { offsets, items };
}

export function createTrace(n: number): ScheduleTrace {
  return { start: new Float64Array(n), end: new Float64Array(n), worker: new Int32Array(n), ready: new Float64Array(n), previous: new Int32Array(n) };
}

/** Prepares a reusable scheduler for one graph and worker count. */
export function createListScheduler(g: ScheduleGraph, workers: number): ListScheduler {
  const n = g.durations.length;
  const succ = compress(g.dependents, n);
  const lock = compress(g.conflicts, n);
  const hasConflicts = lock.items.length > 0;
  const depCount = new Int32Array(n);
  for (let i = 0; i < n; i++) depCount[i] = g.deps[i]?.length ?? 0;

  const pending = new Int32Array(n);
  const endTime = new Float64Array(n);
  const lockedBy = new Int32Array(hasConflicts ? n : 0);
  const aside = new Int32Array(n);
  const workerIds = Float64Array.from({ length: workers }, (_, w) => w);
  const freeWorkers = new NodeHeap(workers, workerIds);
  const lastOnWorker = new Int32Array(workers);
  const ready = new NodeHeap(n, endTime);
  const events = new NodeHeap(n, endTime);

  function run(rank: ArrayLike<number>, durations: ArrayLike<number>, trace?: ScheduleTrace): number {
    ready.reset(rank);
    events.reset(endTime);
    pending.set(depCount);
    if (hasConflicts) lockedBy.fill(0);
    for (let i = 0; i < n; i++) if (depCount[i] === 0) ready.push(i);
    if (trace !== undefined) trace.ready.fill(0);
    if (trace !== undefined) {
      freeWorkers.reset(workerIds);
      for (let w = 0; w < workers; w++) freeWorkers.push(w);
      lastOnWorker.fill(-1);
    }
    let free = workers;
    let now = 0;
    let finished = 0;
    for (;;) {
      let asideCount = 0;
      while (free > 0 && ready.size > 0) {
        const v = ready.pop();
        if (hasConflicts && (lockedBy[v] ?? 0) > 0) {
          aside[asideCount++] = v;
          continue;
        }
        const end = now + (durations[v] ?? 0);
        endTime[v] = end;
        events.push(v);
        free--;
        if (hasConflicts) {
          for (let k = lock.offsets[v] ?? 0, stop = lock.offsets[v + 1] ?? 0; k < stop; k++) {
            const c = lock.items[k] ?? 0;
            lockedBy[c] = (lockedBy[c] ?? 0) + 1;
          }
        }
        if (trace !== undefined) {
          trace.start[v] = now;
          trace.end[v] = end;
          const w = freeWorkers.pop();
          trace.worker[v] = w;
          trace.previous[v] = lastOnWorker[w] ?? -1;
          lastOnWorker[w] = v;
        }
      }
      for (let k = 0; k < asideCount; k++) ready.push(aside[k] ?? 0);
      if (events.size === 0) break;
      now = endTime[events.peek()] ?? 0;
      while (events.size > 0 && endTime[events.peek()] === now) {
        const v = events.pop();
        finished++;
        if (trace !== undefined) freeWorkers.push(trace.worker[v] ?? 0);
        free++;
        if (hasConflicts) {
          for (let k = lock.offsets[v] ?? 0, stop = lock.offsets[v + 1] ?? 0; k < stop; k++) {
            const c = lock.items[k] ?? 0;
            lockedBy[c] = (lockedBy[c] ?? 0) - 1;
          }
        }
        for (let k = succ.offsets[v] ?? 0, stop = succ.offsets[v + 1] ?? 0; k < stop; k++) {
          const s = succ.items[k] ?? 0;
          const left = (pending[s] ?? 0) - 1;
          pending[s] = left;
          if (left === 0) {
            ready.push(s);
            if (trace !== undefined) trace.ready[s] = now;
          }
        }
      }
    }
    if (finished !== n) throw new WeaveError("internal", `schedule graph has a cycle (${n - finished} nodes never became ready)`);
    return now;
  }

  return { size: n, workers, run };
}
