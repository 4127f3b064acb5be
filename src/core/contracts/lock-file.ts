/**
 * Contract of weave's lock files: the coordinator lock (`.weave/coordinator.lock`, and its takeover guards) and a
 * milestone's claim (`.weave/run/<ID>.claim`) — who holds them.
 * Responsibilities: the schemas, the version this weave writes, the migration from the unversioned files weave
 * wrote before (the same fields, no `version`), and the writers' content.
 * Not here: taking, taking over and releasing locks (local/locks.ts).
 * Invariants: a lock's holder is only believed when its file passes this contract (a torn or foreign file names no
 * holder); claims are written, never read for their content (their existence is the claim).
 */
import { z } from "zod";
import { versioned } from "./versioned.js";

export const LOCK_FILE_VERSION = 1;

export const CoordinatorLockSchema = z.object({
  version: z.literal(LOCK_FILE_VERSION),
  pid: z.number().int(),
  startedAt: z.string(),
});

export type CoordinatorLock = z.output<typeof CoordinatorLockSchema>;

export const coordinatorLockContract = versioned({
  what: "a weave coordinator lock",
  version: LOCK_FILE_VERSION,
  schema: CoordinatorLockSchema,
  migrations: { 0: (old) => old },
  invalidHint: "if no weave coordinator runs here, `weave doctor --fix` removes it",
  newerHint: "a newer weave's coordinator holds this repository: use that weave (upgrade this one)",
});

export function coordinatorLock(pid: number, startedAt: Date): CoordinatorLock {
  return { version: LOCK_FILE_VERSION, pid, startedAt: startedAt.toISOString() };
}

export const MilestoneClaimSchema = z.object({
  version: z.literal(LOCK_FILE_VERSION),
  runId: z.string(),
  pid: z.number().int(),
  at: z.string(),
});

export type MilestoneClaim = z.output<typeof MilestoneClaimSchema>;

export const milestoneClaimContract = versioned({
  what: "a weave milestone claim",
  version: LOCK_FILE_VERSION,
  schema: MilestoneClaimSchema,
  migrations: { 0: (old) => old },
  invalidHint: "if no weave worker runs for this milestone, `weave doctor --fix` removes it",
});

export function milestoneClaim(owner: { runId: string; pid: number }, at: Date): MilestoneClaim {
  return { version: LOCK_FILE_VERSION, runId: owner.runId, pid: owner.pid, at: at.toISOString() };
}
