/**
 * The worker's status and how it is reported: one `WorkerStatus` kept current and sent through the `Reporter`, whose
 * answer (pause, stop) is raised on the signal box. Shared by the task loop and the resolve run.
 * Not here: what the status says when (worker/worker-loop.ts, worker/resolve-conflicts.ts).
 * Invariants: every send stamps `updatedAt`; the reporter gets a copy, never the live object.
 */
import type { Milestone } from "../core/plan/plan.js";
import type { Reporter, WorkerStatus } from "../ports/reporter.js";
import type { SignalBox } from "./signal-box.js";

export interface StatusSender {
  status: WorkerStatus;
  send(patch?: Partial<WorkerStatus>): Promise<void>;
}

export function createStatusSender(milestone: Milestone, runId: string, reporter: Reporter, signals: SignalBox, now: () => Date): StatusSender {
  const status: WorkerStatus = {
    milestone: milestone.id, runId, state: "starting", tasksDone: 0, tasks: milestone.tasks.length,
    costUsd: 0, pid: process.pid, startedAt: now().toISOString(), updatedAt: now().toISOString(),
  };
  return {
    status,
    async send(patch = {}) {
      Object.assign(status, patch, { updatedAt: now().toISOString() });
      const answer = await reporter.report({ ...status });
      if (answer) signals.raise(answer);
    },
  };
}
