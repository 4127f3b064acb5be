/**
 * Contract of a worker's status file: a local worker's heartbeat (`.weave/run/<ID>.status.json`) and the Action's
 * last status on the runner (read back by its post step).
 * Responsibilities: the schema, the version this weave writes, the migration from the unversioned files weave wrote
 * before (the same fields, no `version`), and `stampWorkerStatus` for writers.
 * Not here: writing and reading the files (local/file-reporter.ts, action/status-file.ts); what the App accepts over
 * the wire (core/contracts/heartbeat-body.ts, which is stricter).
 * Invariants: the file is a claim (the agent can write it too): readers treat a file that fails this contract as no
 * status at all; `lastOutput` is kept here (it stays on the machine), never sent on the wire.
 */
import { z } from "zod";
import type { WorkerStatus } from "../../ports/reporter.js";
import { VerifyStatusSchema } from "./run-state.js";
import { versioned } from "./versioned.js";
import type { SameShape } from "./versioned.js";

export const WORKER_STATUS_VERSION = 1;

export const WORKER_RUN_STATES = ["starting", "running", "verifying", "paused", "stopped", "finished", "failed", "died"] as const;

export const WorkerStatusFileSchema = z.object({
  version: z.literal(WORKER_STATUS_VERSION),
  milestone: z.string(),
  runId: z.string(),
  state: z.enum(WORKER_RUN_STATES),
  tasksDone: z.number(),
  tasks: z.number(),
  currentTask: z.number().optional(),
  currentTaskText: z.string().optional(),
  costUsd: z.number(),
  costUnknown: z.boolean().optional(),
  pid: z.number(),
  taskPid: z.number().optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
  headSha: z.string().optional(),
  verify: VerifyStatusSchema.optional(),
  error: z.string().optional(),
  lastOutput: z.array(z.string()).optional(),
});

export type WorkerStatusFile = z.output<typeof WorkerStatusFileSchema>;

const sameShape: SameShape<Omit<WorkerStatusFile, "version">, WorkerStatus> = true;
void sameShape;

export const workerStatusContract = versioned({
  what: "a weave worker status",
  version: WORKER_STATUS_VERSION,
  schema: WorkerStatusFileSchema,
  // Version 0: the files weave wrote before the field existed, with the same fields.
  migrations: { 0: (old) => old },
  invalidHint: "weave writes this file itself; it is read as no status (the worker then counts as silent)",
});

/** What a writer puts in the file: the status with the version this weave writes. */
export function stampWorkerStatus(status: WorkerStatus): WorkerStatusFile {
  return { ...status, version: WORKER_STATUS_VERSION };
}

/** The status without its contract's version (what the rest of weave passes around). */
export function unstampWorkerStatus(file: WorkerStatusFile): WorkerStatus {
  const { version: _version, ...status } = file;
  return status;
}
