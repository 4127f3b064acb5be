/**
 * Where the Action keeps its last worker status, so the post step can send (or resend) the final report after the
 * main step ended; writing it, and reading it back through its contract (core/contracts/worker-status.ts).
 * Not here: what the post step sends (action/post-report.ts); the file's schema and versions (the contract).
 * Invariants: a missing, unreadable or malformed file — or one of a newer version — reads as null (the post step
 * then reports the job died); the file lives on the runner only — the agent can write it too, so what it holds is a
 * claim like any report; the writer stamps the contract's version.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stampWorkerStatus, unstampWorkerStatus, workerStatusContract } from "../core/contracts/worker-status.js";
import type { WorkerStatus } from "../ports/reporter.js";

export function statusFilePath(env: NodeJS.ProcessEnv, milestone: string): string {
  return join(env.RUNNER_TEMP ?? "/tmp", `weave-${milestone}.status.json`);
}

export async function writeStatusFile(path: string, status: WorkerStatus): Promise<void> {
  await writeFile(path, JSON.stringify(stampWorkerStatus(status)));
}

export async function readStatusFile(path: string): Promise<WorkerStatus | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    return unstampWorkerStatus(workerStatusContract.parseText(text, path));
  } catch {
    return null;
  }
}
