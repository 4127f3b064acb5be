/**
 * Reading a plan from disk: bytes → `Plan`, with "not found" and read errors worded for users.
 * Responsibilities: the one file read every local entry (CLI, coordinator, worker) shares.
 * Not here: parsing and validation (core/plan/parse-plan.ts).
 * Invariants: throws only WeaveError (plan-not-found, plan-invalid, io-failed).
 */
import { readFile } from "node:fs/promises";
import { WeaveError } from "../core/errors.js";
import { parsePlan } from "../core/plan/parse-plan.js";
import type { Plan } from "../core/plan/plan.js";

export async function readPlanFile(path: string, shownAs: string = path): Promise<Plan> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new WeaveError("plan-not-found", `no plan at ${shownAs}`, { hint: "run `weave init` to write an example plan, or pass the plan's path" });
    if (code === "EISDIR") throw new WeaveError("plan-not-found", `${shownAs} is a directory, not a plan file`, { hint: `try ${shownAs}/weave.yml` });
    throw new WeaveError("io-failed", `cannot read ${shownAs}: ${(e as Error).message}`, { cause: e });
  }
  return parsePlan(bytes, shownAs);
}
