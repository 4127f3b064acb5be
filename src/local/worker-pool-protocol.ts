/**
 * Warm-worker protocol: the messages the coordinator's worker pool and a warm worker process exchange over Node's IPC
 * channel (`weave __worker --pool`).
 * Responsibilities: one zod schema per direction, so each side checks what the other sent before acting on it.
 * Not here: the pool (local/worker-pool.ts), the warm worker's loop (local/pool-worker-main.ts).
 * Invariants: a message names the milestone it is about; the worker says `done` only after that milestone's final
 * status file is written, so a coordinator that sees `done` reads the worker's last word.
 */
import { z } from "zod";

export const RunMilestone = z.object({
  kind: z.literal("run"),
  repo: z.string().min(1),
  jobPath: z.string().min(1),
  milestone: z.string().min(1),
  runId: z.string().min(1),
  base: z.string().min(1),
  expectedHead: z.string().optional(),
});
export type RunMilestone = z.infer<typeof RunMilestone>;

/** Coordinator → worker. */
export const ToWorker = RunMilestone;
export type ToWorker = RunMilestone;

/**
 * Worker → coordinator: `ready` once it listens; `done` when a milestone ended (its final status is on disk), with
 * `more: false` when it takes no further milestone (it was told to end by a signal).
 */
export const FromWorker = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready") }),
  z.object({ kind: z.literal("done"), milestone: z.string(), code: z.number().int(), more: z.boolean() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
