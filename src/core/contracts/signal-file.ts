/**
 * Contract of a signal file (`.weave/run/<ID>.signal.json`): the local coordinator's answer to a worker's heartbeat.
 * Responsibilities: the schema, the version this weave writes, the migration from the unversioned files weave wrote
 * before (the same fields, no `version`), and `signalFile` for the writer.
 * Not here: writing and reading it (local/file-reporter.ts), deciding signals (local/run-actions.ts).
 * Invariants: a signal file that fails this contract asks nothing of the worker (readers treat it as absent).
 */
import { z } from "zod";
import type { WorkerSignal } from "../../ports/reporter.js";
import { versioned } from "./versioned.js";

export const SIGNAL_FILE_VERSION = 1;

export const SignalFileSchema = z.object({
  version: z.literal(SIGNAL_FILE_VERSION),
  signal: z.enum(["pause", "stop"]),
  at: z.string(),
  reason: z.string().optional(),
});

export type SignalFile = z.output<typeof SignalFileSchema>;

export const signalFileContract = versioned({
  what: "a weave signal file",
  version: SIGNAL_FILE_VERSION,
  schema: SignalFileSchema,
  migrations: { 0: (old) => old },
  invalidHint: "weave writes this file itself; it is read as no signal",
});

export function signalFile(signal: WorkerSignal, at: Date, reason?: string): SignalFile {
  return { version: SIGNAL_FILE_VERSION, signal, at: at.toISOString(), ...(reason !== undefined ? { reason } : {}) };
}
