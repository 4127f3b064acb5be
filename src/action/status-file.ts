/**
 * Where the Action keeps its last worker status, so the post step can send (or resend) the final report after the
 * main step ended, and how it is read back.
 * Not here: what the post step sends (action/post-report.ts).
 * Invariants: a missing, unreadable or malformed file reads as null (the post step then reports the job died); the
 * file lives on the runner only — the agent can write it too, so what it holds is a claim like any report.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { WorkerStatus } from "../ports/reporter.js";

export function statusFilePath(env: NodeJS.ProcessEnv, milestone: string): string {
  return join(env.RUNNER_TEMP ?? "/tmp", `weave-${milestone}.status.json`);
}

const StatusFile = z.object({
  milestone: z.string(),
  runId: z.string(),
  state: z.enum(["starting", "running", "verifying", "paused", "stopped", "finished", "failed", "died"]),
  tasksDone: z.number(),
  tasks: z.number(),
  currentTask: z.number().optional(),
  currentTaskText: z.string().optional(),
  costUsd: z.number(),
  pid: z.number(),
  taskPid: z.number().optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
  headSha: z.string().optional(),
  verify: z.object({ state: z.enum(["running", "passed", "failed"]), attempt: z.number(), durationMs: z.number().optional(), exitCode: z.number().nullable().optional() }).optional(),
  error: z.string().optional(),
  lastOutput: z.array(z.string()).optional(),
});

export async function readStatusFile(path: string): Promise<WorkerStatus | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = StatusFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
