/**
 * Contract of a control request (`.weave/requests/*.json`): `weave stop|pause|resume|merge` asking the local
 * coordinator that runs in this repository to act.
 * Responsibilities: the schema, the version this weave writes, the migration from the unversioned requests weave
 * wrote before (the same fields, no `version`), and `controlRequest` for the writer.
 * Not here: writing a request (cli/commands/control.ts), taking and applying them (local/coordinator.ts,
 * local/run-actions.ts).
 * Invariants: a request that fails this contract is never applied.
 */
import { z } from "zod";
import { versioned } from "./versioned.js";

export const CONTROL_REQUEST_VERSION = 1;

export const CONTROL_VERBS = ["stop", "pause", "resume", "merge"] as const;

export const ControlRequestSchema = z.object({
  version: z.literal(CONTROL_REQUEST_VERSION),
  verb: z.enum(CONTROL_VERBS),
  ids: z.array(z.string()),
  force: z.boolean().optional(),
});

export type ControlRequest = z.output<typeof ControlRequestSchema>;

export const controlRequestContract = versioned({
  what: "a weave control request",
  version: CONTROL_REQUEST_VERSION,
  schema: ControlRequestSchema,
  migrations: { 0: (old) => old },
  invalidHint: "it is dropped; run the `weave` command again",
  newerHint: "a newer weave wrote it: run the coordinator with the same weave as the command (upgrade weave)",
});

export function controlRequest(verb: ControlRequest["verb"], ids: string[], force?: boolean): ControlRequest {
  return { version: CONTROL_REQUEST_VERSION, verb, ids, ...(force !== undefined ? { force } : {}) };
}
