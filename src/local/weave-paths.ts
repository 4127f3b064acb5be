/**
 * Layout of `.weave/` in a repository: worktrees, status and signal files, state, locks, logs, requests.
 * Responsibilities: one place that names every runtime path, so nothing else builds them by hand.
 * Not here: reading or writing those files (atomic-json.ts, state-store.ts, file-reporter.ts).
 * Invariants: everything lives under `<repo>/.weave/`, which must be git-ignored (preflight checks it).
 */
import { join } from "node:path";

export interface WeavePaths {
  root: string;
  dir: string;
  worktrees: string;
  worktree(id: string): string;
  runDir: string;
  status(id: string): string;
  signal(id: string): string;
  costFile(id: string): string;
  job(id: string): string;
  claim(id: string): string;
  logs: string;
  log(id: string): string;
  coordinatorLog: string;
  /** Warm worker processes' own output (each milestone's goes to its own log). */
  workersLog: string;
  state: string;
  coordinatorLock: string;
  requests: string;
}

export function weavePaths(repoRoot: string): WeavePaths {
  const dir = join(repoRoot, ".weave");
  const runDir = join(dir, "run");
  const worktrees = join(dir, "worktrees");
  const logs = join(dir, "logs");
  return {
    root: repoRoot,
    dir,
    worktrees,
    worktree: (id) => join(worktrees, id),
    runDir,
    status: (id) => join(runDir, `${id}.status.json`),
    signal: (id) => join(runDir, `${id}.signal.json`),
    costFile: (id) => join(runDir, `${id}.cost.jsonl`),
    job: (id) => join(runDir, `${id}.job.json`),
    claim: (id) => join(runDir, `${id}.claim`),
    logs,
    log: (id) => join(logs, `${id}.log`),
    coordinatorLog: join(logs, "coordinator.log"),
    workersLog: join(logs, "workers.log"),
    state: join(dir, "state.json"),
    coordinatorLock: join(dir, "coordinator.lock"),
    requests: join(dir, "requests"),
  };
}
