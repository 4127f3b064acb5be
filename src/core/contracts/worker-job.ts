/**
 * Contract of a local worker's job file (`.weave/run/<ID>.job.json`): what the local coordinator hands the worker
 * process it starts — the validated plan, so the worker does not read YAML again.
 * Responsibilities: the schema, the version this weave writes, the migration from version 1 (the bare plan, whose
 * own `version: 1` is the plan file's), and `workerJob` for the writer.
 * Not here: writing it (local/run-actions.ts), reading it (local/local-worker-main.ts), the plan's schema
 * (core/plan/schema.ts).
 * Invariants: the plan in a job passes the plan file's schema again unchanged (defaults already applied, durations
 * already seconds), so a job can never carry what `.github/weave.yml` could not.
 */
import { z } from "zod";
import type { Plan } from "../plan/plan.js";
import { PlanFileSchema } from "../plan/schema.js";
import { versioned } from "./versioned.js";
import type { SameShape } from "./versioned.js";

export const WORKER_JOB_VERSION = 2;

export const WorkerJobSchema = z.strictObject({
  version: z.literal(WORKER_JOB_VERSION),
  plan: PlanFileSchema.extend({ file: z.string() }),
});

export interface WorkerJob {
  version: typeof WORKER_JOB_VERSION;
  plan: Plan;
}

const sameShape: SameShape<z.output<typeof WorkerJobSchema>, WorkerJob> = true;
void sameShape;

export const workerJobContract = versioned({
  what: "a weave worker job",
  version: WORKER_JOB_VERSION,
  schema: WorkerJobSchema,
  // Version 1: the plan itself was the job (its `version` field, 1, was the plan file's).
  migrations: { 1: (old) => ({ plan: old }) },
  invalidHint: "the coordinator writes this file for each start: run `weave start` again",
  newerHint: "a newer weave's coordinator started this worker: run the same weave for both (upgrade weave)",
});

export function workerJob(plan: Plan): WorkerJob {
  return { version: WORKER_JOB_VERSION, plan };
}
