/**
 * Heartbeat claims: what a worker job says about itself, parsed strictly and checked against what weave already knows.
 * Responsibilities: the zod schema of a heartbeat body; the rules a claim must keep (known states, finite non-negative
 * cost or null, task counts within the plan, monotonic within one attempt, its own milestone only).
 * Not here: verifying the job's OIDC token (github/heartbeat-endpoint.ts), checking `finished` against the branch
 * (github/finish-evidence.ts), applying it to the ledger (github/mutate-record.ts).
 * Invariants: pure; a claim that breaks any rule is refused whole, with every reason at once; nothing is coerced.
 */
import { z } from "zod";

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
  state: z.enum(["starting", "running", "verifying", "paused", "stopped", "finished", "failed", "died"]),
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
  dispatch_id: Text(200).optional(),
  status: HeartbeatStatus,
  /** Ids of the `/weave tell` notes this job has taken so far (the App then drops them from the ledger). */
  notes_seen: z.array(Text(64)).max(200).optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

/** The problems of a body that does not parse, one line each (path: message). */
export function parseHeartbeatBody(value: unknown): { ok: true; body: HeartbeatBody } | { ok: false; problems: string[] } {
  const parsed = HeartbeatBody.safeParse(value);
  if (parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) };
}

/**
 * Reasons a parsed claim breaks weave's rules, given the plan's task count and the previous claim of the same
 * attempt (the caller matches attempts by the token's run, never by the body's own `runId`).
 */
export function claimProblems(status: HeartbeatStatus, plannedTasks: number, previous: HeartbeatStatus | undefined): string[] {
  const problems: string[] = [];
  if (status.tasks !== plannedTasks) problems.push(`tasks: the plan gives ${status.milestone} ${plannedTasks} tasks, not ${status.tasks}`);
  if (status.tasksDone > plannedTasks) problems.push(`tasksDone: ${status.tasksDone} is more than the plan's ${plannedTasks} tasks`);
  if (status.currentTask !== undefined && (status.currentTask < 1 || status.currentTask > plannedTasks)) problems.push(`currentTask: ${status.currentTask} is not a task of the plan (1–${plannedTasks})`);
  if (status.state === "finished" && status.tasksDone !== plannedTasks) problems.push(`state: finished with ${status.tasksDone}/${plannedTasks} tasks done`);
  if (previous) {
    if (status.tasksDone < previous.tasksDone) problems.push(`tasksDone: went back from ${previous.tasksDone} to ${status.tasksDone}`);
    if (status.costUsd !== null && previous.costUsd !== null && status.costUsd < previous.costUsd) problems.push(`costUsd: went back from ${previous.costUsd} to ${status.costUsd}`);
  }
  return problems;
}
