/**
 * Contract of the local run state (`.weave/state.json`): what the local coordinator knows of a run.
 * Responsibilities: the record types, their schema, the version this weave writes, migrations from older versions.
 * Not here: loading and saving (local/state-store.ts), what the fields mean for the run (local/coordinator.ts).
 * Invariants: version 1 is the first shape weave wrote (it always carried `version: 1`), so there is nothing older to
 * migrate yet; a file of a newer version is refused with a hint to upgrade, never rewritten by this weave.
 */
import { z } from "zod";
import { MILESTONE_STATES } from "../lifecycle.js";
import type { MilestoneCore } from "../milestone-record.js";
import { versioned } from "./versioned.js";
import type { SameShape } from "./versioned.js";

export const RUN_STATE_VERSION = 1;

/** The local home's record: the shared fields (core/milestone-record.ts) and what only a local run keeps. */
export interface MilestoneRecord extends MilestoneCore {
  slot?: number;
  pid?: number;
  mergedAt?: string;
  mergeCommit?: string;
  lastOutput?: string[];
  scopeWarnings?: string[];
}

export interface RunEvent {
  at: string;
  kind: string;
  id?: string;
  detail?: string;
}

export interface RunState {
  version: typeof RUN_STATE_VERSION;
  runId: string;
  planFile: string;
  target: string;
  startedAt: string;
  updatedAt: string;
  budgetStopped: boolean;
  milestones: Record<string, MilestoneRecord>;
  events: RunEvent[];
}

export const VerifyStatusSchema = z.object({
  state: z.enum(["running", "passed", "failed"]),
  attempt: z.number(),
  durationMs: z.number().optional(),
  exitCode: z.number().nullable().optional(),
});

const Count = z.number().int().nonnegative();
const MilestoneRecordSchema = z.object({
  state: z.enum(MILESTONE_STATES),
  attempts: Count,
  requeues: Count,
  slot: z.number().int().optional(),
  pid: z.number().int().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  mergedAt: z.string().optional(),
  costUsd: z.number().nonnegative(),
  tasksDone: Count,
  tasks: Count,
  headSha: z.string().optional(),
  mergeCommit: z.string().optional(),
  reason: z.string().optional(),
  lastOutput: z.array(z.string()).optional(),
  conflictFiles: z.array(z.string()).optional(),
  scopeWarnings: z.array(z.string()).optional(),
  verify: VerifyStatusSchema.optional(),
  forceMerge: z.boolean().optional(),
  mergeRequested: z.boolean().optional(),
  mergeBlocked: z.boolean().optional(),
});

const RunEventSchema = z.object({ at: z.string(), kind: z.string(), id: z.string().optional(), detail: z.string().optional() });

export const RunStateSchema = z.object({
  version: z.literal(RUN_STATE_VERSION),
  runId: z.string(),
  planFile: z.string(),
  target: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  budgetStopped: z.boolean(),
  milestones: z.record(z.string(), MilestoneRecordSchema),
  events: z.array(RunEventSchema),
});

// The schema and the interfaces above say the same thing (the build fails when they drift apart).
const sameShape: SameShape<z.output<typeof RunStateSchema>, RunState> = true;
void sameShape;

export const runStateContract = versioned({
  what: "a weave run state",
  version: RUN_STATE_VERSION,
  schema: RunStateSchema,
  invalidHint: "move the file away to start the run afresh (what is merged stays merged: git is checked on every start)",
  newerHint: "a newer weave wrote it: upgrade weave to go on with this run (or move the file away to start afresh)",
});
