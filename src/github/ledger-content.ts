/**
 * The run ledger's content: the shape of `state.json` at `refs/weave/state` (run, milestones, notes) and its
 * versioned zod schema, with migrate-on-load (an older version is stepped up to LEDGER_VERSION, a newer one refused).
 * Not here: reading and writing the ref, the MAC and the last good version (github/ledger.ts).
 * Invariants: a ledger that does not fit the schema is an error (`ledger-unsupported`), never a guess; fields the
 * schema does not name are kept (loose objects), so a newer weave's additions survive a round trip.
 */
import { z } from "zod";
import { WeaveError } from "../core/errors.js";
import { MILESTONE_STATES } from "../core/lifecycle.js";
import type { MilestoneCore } from "../core/milestone-record.js";

/** Where the ledger lives: `refs/` + this. */
export const LEDGER_REF = "weave/state";
/** The App's ledger record: the shared fields (core/milestone-record.ts) and what only the App keeps. */
export interface LedgerMilestone extends MilestoneCore {
  /** Some of its spend could not be read (shown as unknown; the budget counts `costUsd`). */
  costUnknown?: boolean;
  dispatchId?: string;
  runId?: number;
  checkRunId?: number;
  /** Commit weave/<ID> was at when its job was dispatched. */
  sha?: string;
  lastHeartbeat?: string;
  signal?: "pause" | "stop";
  pr?: number;
  /** The branch head the PR's body describes (a new head gets the body rewritten). */
  prHead?: string;
  /** Handed to GitHub: native auto-merge, or the target's merge queue (state `merging`). */
  autoMerge?: "auto-merge" | "queue";
  /** Blocked until these report (cleared by a completed check run or a review on the PR). */
  waitingFor?: "checks";
  /** Resolve jobs (`merge.resolve: agent`) dispatched for the current conflict. */
  resolveAttempts?: number;
  /** The job in flight is a resolve job: its failure leaves the milestone in `conflict`, not `failed`. */
  resolving?: boolean;
  /** `/weave tell` notes its worker has not taken yet (oldest first); a note leaves once a heartbeat says it was taken. */
  notes?: LedgerNote[];
  /** Actions home: the most this milestone may have spent when its current job stops (core/worker-allowance.ts). */
  allowanceUsd?: number;
}

export interface LedgerNote {
  /** Unique within the run: what a worker acknowledges, and what keeps a note from being given twice. */
  id: string;
  text: string;
  by: string;
  at: string;
}

export interface LedgerRun {
  id: string;
  trackingIssue: number;
  commentId?: number;
  startedBy: string;
  startedAt: string;
  target: string;
  budgetStopped: boolean;
  /** The repository's id when the first milestone was claimed: worker tokens must carry it (github/job-claims.ts). */
  repositoryId?: number;
}

export interface Ledger {
  version: typeof LEDGER_VERSION;
  run?: LedgerRun;
  milestones: Record<string, LedgerMilestone>;
  /** Actions home: which `/weave` comments have been carried out, for the tick's catch-up (actions-home/missed-commands.ts). */
  commands?: LedgerCommands;
}

/** How far back every comment has been looked at, and the comments carried out since (actions-home/missed-commands.ts). */
export interface LedgerCommands {
  checkedUntil: string;
  handled: number[];
  keptSince: string;
}

/** The ledger's version today; `LEDGER_MIGRATIONS` takes any older one here. */
export const LEDGER_VERSION = 1;

/** A step from version `n` (the key) to `n + 1`, on the raw object (the current schema checks the result). */
export type LedgerMigration = (older: Record<string, unknown>) => Record<string, unknown>;

/** Version 1 is the first: no step yet. A change of shape bumps LEDGER_VERSION and adds its step here. */
export const LEDGER_MIGRATIONS: Readonly<Record<number, LedgerMigration>> = {};

const Note = z.looseObject({ id: z.string(), text: z.string(), by: z.string(), at: z.string() });
const Verify = z.looseObject({ state: z.enum(["running", "passed", "failed"]), attempt: z.number(), durationMs: z.number().optional(), exitCode: z.number().nullable().optional() });
const Milestone = z.looseObject({
  state: z.enum(MILESTONE_STATES),
  attempts: z.number(),
  requeues: z.number(),
  tasks: z.number(),
  tasksDone: z.number(),
  costUsd: z.number(),
  costUnknown: z.boolean().optional(),
  dispatchId: z.string().optional(),
  runId: z.number().optional(),
  checkRunId: z.number().optional(),
  sha: z.string().optional(),
  headSha: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  lastHeartbeat: z.string().optional(),
  signal: z.enum(["pause", "stop"]).optional(),
  reason: z.string().optional(),
  verify: Verify.optional(),
  mergeRequested: z.boolean().optional(),
  forceMerge: z.boolean().optional(),
  mergeBlocked: z.boolean().optional(),
  conflictFiles: z.array(z.string()).optional(),
  pr: z.number().optional(),
  prHead: z.string().optional(),
  autoMerge: z.enum(["auto-merge", "queue"]).optional(),
  waitingFor: z.literal("checks").optional(),
  resolveAttempts: z.number().optional(),
  resolving: z.boolean().optional(),
  notes: z.array(Note).optional(),
  allowanceUsd: z.number().optional(),
});
const Run = z.looseObject({
  id: z.string(),
  trackingIssue: z.number(),
  commentId: z.number().optional(),
  startedBy: z.string(),
  startedAt: z.string(),
  target: z.string(),
  budgetStopped: z.boolean(),
  repositoryId: z.number().optional(),
});
/**
 * The current version's schema. Objects are loose: a field this schema does not name yet is kept as it is (a field
 * added elsewhere is not lost on the next write); the fields it names must have their types.
 */
const Commands = z.looseObject({ checkedUntil: z.string(), handled: z.array(z.number().int()), keptSince: z.string() });
const LedgerSchema: z.ZodType<Ledger> = z.looseObject({ version: z.literal(LEDGER_VERSION), run: Run.optional(), milestones: z.record(z.string(), Milestone), commands: Commands.optional() });

/**
 * Brings a decoded ledger of any known version to `current` step by step; refuses one that is not an object with an
 * integer version ≥ 1, a version newer than `current`, or an older one with no step.
 */
export function migrateLedger(value: unknown, current: number = LEDGER_VERSION, migrations: Readonly<Record<number, LedgerMigration>> = LEDGER_MIGRATIONS): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw unreadable("is not a JSON object");
  let ledger = value as Record<string, unknown>;
  const version = ledger.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) throw unreadable(`has no ledger version (${JSON.stringify(version) ?? "none"})`);
  if (version > current) {
    throw new WeaveError("ledger-unsupported", `the run ledger (refs/${LEDGER_REF}) is version ${version}, newer than this weave reads (${current})`, {
      hint: "a newer weave wrote it: upgrade this weave (the App, or the Action's ref in the coordinator workflow) to that one; weave never overwrites a ledger it cannot read",
    });
  }
  for (let v = version; v < current; v++) {
    const step = migrations[v];
    if (!step) throw unreadable(`is version ${v}, which this weave has no migration from`);
    ledger = { ...step(ledger), version: v + 1 };
  }
  return ledger;
}

/** `state.json` text → the current Ledger (migrated), or a WeaveError saying what is wrong with it. */
export function parseLedgerContent(text: string): Ledger {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    throw unreadable("is not JSON");
  }
  const parsed = LedgerSchema.safeParse(migrateLedger(decoded));
  if (!parsed.success) throw unreadable(`does not fit the ledger's schema: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "ledger"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

function unreadable(what: string): WeaveError {
  return new WeaveError("ledger-unsupported", `the run ledger (refs/${LEDGER_REF}) ${what}`, { hint: "`/weave doctor` shows the run; weave never overwrites a ledger it could not read" });
}
