/**
 * Reporter port: how a worker tells its coordinator where it is, and hears back whether to pause or stop.
 * Implementations: local status/signal files (local/file-reporter.ts); HTTPS heartbeats to the App (action/).
 * Invariants: `report` never throws for a transport problem — a worker keeps working when its coordinator is away.
 */

export type WorkerSignal = "pause" | "stop";
/**
 * `died` is sent by the Action's post step only, for a job whose main step ended without a final report (killed, e.g.
 * out of memory): the coordinator requeues it within `retries`, as it does a job that went silent.
 */
export type WorkerRunState = "starting" | "running" | "verifying" | "paused" | "stopped" | "finished" | "failed" | "died";

/** A worker's last word: after one of these its process or job has ended (`died` is said for it by the post step). */
export const FINAL_WORKER_STATES: ReadonlySet<WorkerRunState> = new Set(["finished", "failed", "stopped", "paused", "died"]);

export interface VerifyStatus {
  state: "running" | "passed" | "failed";
  attempt: number;
  durationMs?: number;
  exitCode?: number | null;
}

export interface WorkerStatus {
  milestone: string;
  runId: string;
  state: WorkerRunState;
  /** Tasks completed so far, and the total. */
  tasksDone: number;
  tasks: number;
  /** 1-based index and text of the task in flight, if any. */
  currentTask?: number;
  currentTaskText?: string;
  /** Known spend (USD); `costUnknown` says some of the spend could not be read (shown as unknown, never as $0). */
  costUsd: number;
  costUnknown?: boolean;
  pid: number;
  /** Process group of the task in flight (so a coordinator can stop it if this worker dies). */
  taskPid?: number;
  startedAt: string;
  updatedAt: string;
  headSha?: string;
  verify?: VerifyStatus;
  error?: string;
  /** Last lines of the failing command's output. */
  lastOutput?: string[];
}

export interface Reporter {
  /** Send a status; the answer says whether the coordinator wants a pause or stop. */
  report(status: WorkerStatus): Promise<WorkerSignal | undefined>;
}
