/**
 * Heartbeat claims: what a worker job says about itself, checked against what weave already knows.
 * Responsibilities: the rules a parsed claim must keep (task counts within the plan, monotonic within one attempt).
 * Not here: the body's schema — known states, finite non-negative cost or null, no unknown keys —
 * (core/contracts/heartbeat-body.ts); verifying the job's OIDC token (github/heartbeat-endpoint.ts), checking `finished` against the branch
 * (github/finish-evidence.ts), applying it to the ledger (github/mutate-record.ts).
 * Invariants: pure; a claim that breaks any rule is refused whole, with every reason at once; nothing is coerced.
 */
import type { HeartbeatStatus } from "./contracts/heartbeat-body.js";

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
