/**
 * Contract of a heartbeat body (`POST /weave/heartbeat`, and the same body as a worker's final report dispatched to
 * the coordinator workflow): what a worker job tells the App about itself, `{dispatch_id, status, notes_seen}`.
 * Responsibilities: the strict schema both ends use — the Action builds its body with `heartbeatBody`, the App and
 * the Actions-mode coordinator parse it with `parseHeartbeatBody` —, the version, and problems one per line.
 * Not here: which status fields may leave the runner (action/wire-status.ts); the rules a parsed claim must keep
 * (core/heartbeat-claim.ts); verifying the job's token (github/heartbeat-endpoint.ts).
 * Invariants: pure; nothing is coerced and unknown keys are refused. A body without `version` is version 1, and
 * the Action sends no `version` while the version is 1: an App deployed before the field existed refuses unknown
 * keys, and the Action (a moving tag) may be newer than a self-hosted App. A body of a newer version is refused with
 * a problem that says to upgrade the App.
 */
import { z } from "zod";
import { versioned } from "./versioned.js";
import { WORKER_RUN_STATES } from "./worker-status.js";

export const HEARTBEAT_BODY_VERSION = 1;

const Count = z.number().int().nonnegative().max(100_000);
const Text = (max: number) => z.string().max(max);

export const HeartbeatVerify = z.strictObject({
  state: z.enum(["running", "passed", "failed"]),
  attempt: Count,
  durationMs: z.number().finite().nonnegative().optional(),
  exitCode: z.number().int().nullable().optional(),
});

/** A worker's status as the job sends it; `costUsd: null` means the agent's cost is unknown. */
export const HeartbeatStatus = z.strictObject({
  milestone: Text(200),
  runId: Text(200),
  state: z.enum(WORKER_RUN_STATES),
  tasksDone: Count,
  tasks: Count,
  currentTask: Count.optional(),
  currentTaskText: Text(4000).optional(),
  costUsd: z.number().finite().nonnegative().max(1_000_000).nullable(),
  /** Some of the spend could not be read: `costUsd` is what is known. */
  costUnknown: z.boolean().optional(),
  pid: z.number().int().optional(),
  taskPid: z.number().int().optional(),
  startedAt: Text(40),
  updatedAt: Text(40),
  headSha: z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/).optional(),
  verify: HeartbeatVerify.optional(),
  error: Text(4000).optional(),
});
export type HeartbeatStatus = z.infer<typeof HeartbeatStatus>;

export const HeartbeatBody = z.strictObject({
  version: z.literal(HEARTBEAT_BODY_VERSION).optional(),
  dispatch_id: Text(200).optional(),
  status: HeartbeatStatus,
  /** Ids of the `/weave tell` notes this job has taken so far (the App then drops them from the ledger). */
  notes_seen: z.array(Text(64)).max(200).optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

export const heartbeatBodyContract = versioned({
  what: "a weave heartbeat",
  version: HEARTBEAT_BODY_VERSION,
  schema: HeartbeatBody,
  unversioned: 1,
  invalidHint: "the worker Action and the App must be versions of weave that agree on the heartbeat",
  newerHint: "the worker Action is newer than this App: upgrade the weave App",
});

/** The problems of a body that does not parse, one line each (path: message). */
export function parseHeartbeatBody(value: unknown): { ok: true; body: HeartbeatBody } | { ok: false; problems: string[] } {
  const checked = heartbeatBodyContract.check(value, "the heartbeat body");
  if (checked.ok) return { ok: true, body: checked.value };
  return { ok: false, problems: checked.error.code === "contract-newer" ? [`version: ${checked.error.message} (${checked.error.hint})`] : checked.problems };
}

/** The body a worker job sends: its wire status, its dispatch, and the notes it took (version 1: no `version`). */
export function heartbeatBody(dispatchId: string | undefined, status: z.input<typeof HeartbeatStatus>, notesSeen?: readonly string[]): z.input<typeof HeartbeatBody> {
  return { dispatch_id: dispatchId, status, ...(notesSeen?.length ? { notes_seen: [...notesSeen] } : {}) };
}
