/**
 * Local forge: the Forge port (ports/forge.ts) on one machine — starts are worktrees handed to warm worker
 * processes, landing is a local merge, signals are signal files (and SIGTERM for a stop).
 * Responsibilities: give each start its lane (slot), start side by side, tell the coordinator of each started
 * worker (so it hears the exit); adapt run-actions.ts' startWorker, mergeOne and signalWorkers.
 * Not here: the effects themselves (local/run-actions.ts), which actions to take (reconcile/decide.ts), the record
 * side of actions (reconcile/apply.ts).
 * Invariants: repeat-safe as run-actions.ts is (a claimed milestone is not started twice: its claim file refuses);
 * a failed start or merge leaves its reason on the record and never throws.
 */
import type { Forge } from "../ports/forge.js";
import { freeSlot, mergeOne, signalWorkers, startWorker } from "./run-actions.js";
import type { RunContext } from "./run-context.js";
import type { WorkerPool } from "./worker-pool.js";

export interface LocalForgeOptions {
  pool: WorkerPool;
  /** Takes cleanups (worktree removal, branch deletion) off the merge → start path. */
  defer: (task: () => Promise<void>) => void;
  /** A worker was handed its milestone; `exited` resolves when its process ends. */
  started: (id: string, exited: Promise<void>) => void;
}

export function createLocalForge(ctx: RunContext, options: LocalForgeOptions): Forge {
  return {
    async start(ids) {
      const slots: number[] = [];
      for (const id of ids) slots.push(freeSlot(ctx, id, slots));
      await Promise.all(ids.map(async (id, i) => {
        const worker = await startWorker(ctx, id, options.pool, slots[i]);
        if (worker) options.started(id, worker.exited);
      }));
    },
    land: (id) => mergeOne(ctx, id, options.defer),
    async signal(ids, signal, reason) {
      await signalWorkers(ctx, ids, signal, reason);
    },
    async resolve(id) {
      // decide() asks for resolve jobs only of a home that runs them (the App); here a conflict waits for a person.
      const record = ctx.state.milestones[id];
      if (record) record.reason = `${record.reason ?? "in conflict"}; resolve jobs run on GitHub only: resolve by hand, then \`weave merge ${id}\``;
    },
  };
}
