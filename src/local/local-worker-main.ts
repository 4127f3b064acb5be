/**
 * Local worker (`weave __worker …`, or one turn of a warm worker, local/pool-worker-main.ts): one milestone in its worktree.
 * Responsibilities: wire the shared worker loop to status/signal files, turn SIGTERM/SIGINT into "stop".
 * Not here: the loop itself (worker/worker-loop.ts), starting this process (local/coordinator.ts).
 * Invariants: always leaves a final status file, even when it refuses to start.
 */
import { readFile } from "node:fs/promises";
import { workerJobContract } from "../core/contracts/worker-job.js";
import { createWorkerGit } from "../worker/worker-git.js";
import { runWorkerLoop } from "../worker/worker-loop.js";
import { createSignalBox } from "../worker/signal-box.js";
import { createFileReporter, writeStatusFile } from "./file-reporter.js";
import { weavePaths } from "./weave-paths.js";
import type { WorkerStatus } from "../ports/reporter.js";

export interface LocalWorkerArgs {
  repo: string;
  /** The validated plan, as JSON written by the coordinator (the worker does not re-parse YAML). */
  jobPath: string;
  milestone: string;
  runId: string;
  base: string;
  expectedHead?: string;
}

export interface LocalWorkerIo {
  /** Where the worker's own error lines go (default: stderr, which a one-milestone worker shares with its log). */
  writeError?: (line: string) => void;
}

export async function runLocalWorker(args: LocalWorkerArgs, env: NodeJS.ProcessEnv, io: LocalWorkerIo = {}): Promise<number> {
  const paths = weavePaths(args.repo);
  const writeError = io.writeError ?? ((line: string) => void process.stderr.write(line));
  const signals = createSignalBox();
  const onSignal = (): void => signals.raise("stop");
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const startedAt = new Date().toISOString();
  try {
    const { plan } = workerJobContract.parseText(await readFile(args.jobPath, "utf8"), args.jobPath);
    const status = await runWorkerLoop({
      plan,
      milestoneId: args.milestone,
      runId: args.runId,
      cwd: paths.worktree(args.milestone),
      base: args.base,
      expectedHead: args.expectedHead,
      git: createWorkerGit(paths.worktree(args.milestone)),
      reporter: createFileReporter(paths, args.milestone, (e) => writeError(`weave worker ${args.milestone}: ${(e as Error).message}\n`)),
      signals,
      env,
      costFile: paths.costFile(args.milestone),
      logPath: paths.log(args.milestone),
    });
    return status.state === "failed" ? 1 : 0;
  } catch (e) {
    const failed: WorkerStatus = {
      milestone: args.milestone, runId: args.runId, state: "failed", tasksDone: 0, tasks: 0, costUsd: 0,
      pid: process.pid, startedAt, updatedAt: new Date().toISOString(), error: (e as Error).message,
    };
    await writeStatusFile(paths, args.milestone, failed).catch(() => undefined);
    writeError(`weave worker ${args.milestone}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}
