/**
 * File reporter: a local worker's heartbeat is its status file; the coordinator's answer is its signal file.
 * Responsibilities: write `.weave/run/<ID>.status.json` atomically, read `.weave/run/<ID>.signal.json`.
 * Not here: the HTTPS reporter of the Action (action/), deciding signals (local/coordinator.ts).
 * Invariants: a write failure is reported once on stderr and never fails the worker.
 */
import type { Reporter, WorkerSignal, WorkerStatus } from "../ports/reporter.js";
import { readJson, writeJsonAtomic } from "./atomic-json.js";
import type { WeavePaths } from "./weave-paths.js";

export interface SignalFile {
  signal: WorkerSignal;
  at: string;
  reason?: string;
}

export function createFileReporter(paths: WeavePaths, id: string, onError: (e: unknown) => void = () => undefined): Reporter {
  return {
    async report(status: WorkerStatus) {
      try {
        await writeJsonAtomic(paths.status(id), status);
      } catch (e) {
        onError(e);
      }
      const signal = await readJson<SignalFile>(paths.signal(id)).catch(() => undefined);
      return signal?.signal === "pause" || signal?.signal === "stop" ? signal.signal : undefined;
    },
  };
}

export async function sendSignal(paths: WeavePaths, id: string, signal: WorkerSignal, reason?: string): Promise<void> {
  await writeJsonAtomic(paths.signal(id), { signal, at: new Date().toISOString(), reason } satisfies SignalFile);
}
