/**
 * File reporter: a local worker's heartbeat is its status file; the coordinator's answer is its signal file.
 * Responsibilities: write `.weave/run/<ID>.status.json` atomically, read `.weave/run/<ID>.signal.json`, and read
 * both back for the coordinator, `weave status` and `weave doctor` — always through their contracts
 * (core/contracts/worker-status.ts, core/contracts/signal-file.ts), the writers stamping the current version.
 * Not here: the HTTPS reporter of the Action (action/), deciding signals (local/coordinator.ts).
 * Invariants: a write failure is reported once on stderr and never fails the worker; a status or signal file that
 * fails its contract (torn, foreign, a newer weave's) reads as no file.
 */
import { signalFile, signalFileContract } from "../core/contracts/signal-file.js";
import type { SignalFile } from "../core/contracts/signal-file.js";
import { stampWorkerStatus, unstampWorkerStatus, workerStatusContract } from "../core/contracts/worker-status.js";
import type { Reporter, WorkerSignal, WorkerStatus } from "../ports/reporter.js";
import { readContractFileOrNothing, writeJsonAtomic } from "./atomic-json.js";
import type { WeavePaths } from "./weave-paths.js";

export type { SignalFile } from "../core/contracts/signal-file.js";

export function createFileReporter(paths: WeavePaths, id: string, onError: (e: unknown) => void = () => undefined): Reporter {
  return {
    async report(status: WorkerStatus) {
      try {
        await writeStatusFile(paths, id, status);
      } catch (e) {
        onError(e);
      }
      const signal = await readSignal(paths, id).catch(() => undefined);
      return signal?.signal === "pause" || signal?.signal === "stop" ? signal.signal : undefined;
    },
  };
}

export async function writeStatusFile(paths: WeavePaths, id: string, status: WorkerStatus): Promise<void> {
  await writeJsonAtomic(paths.status(id), stampWorkerStatus(status));
}

/** The worker's last status, or undefined when there is none (or none that passes its contract). */
export async function readWorkerStatus(paths: WeavePaths, id: string): Promise<WorkerStatus | undefined> {
  const file = await readContractFileOrNothing(paths.status(id), workerStatusContract);
  return file && unstampWorkerStatus(file);
}

export async function readSignal(paths: WeavePaths, id: string): Promise<SignalFile | undefined> {
  return readContractFileOrNothing(paths.signal(id), signalFileContract);
}

export async function sendSignal(paths: WeavePaths, id: string, signal: WorkerSignal, reason?: string): Promise<void> {
  await writeJsonAtomic(paths.signal(id), signalFile(signal, new Date(), reason));
}
