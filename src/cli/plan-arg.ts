/**
 * Plan arguments of CLI commands: read the plan a command names (default `.github/weave.yml`), and check milestone
 * IDs given on the command line against it.
 * Not here: parsing (core/plan/parse-plan.ts), file reading (local/read-plan-file.ts).
 */
import { resolve } from "node:path";
import { WeaveError } from "../core/errors.js";
import type { Plan } from "../core/plan/plan.js";
import { readPlanFile } from "../local/read-plan-file.js";
import type { CliIo } from "./cli-io.js";
import { DEFAULT_PLAN_PATH } from "./cli-io.js";

/** Reads and validates the plan at `path` (relative to cwd). */
export async function readPlan(io: CliIo, path: string = DEFAULT_PLAN_PATH): Promise<Plan> {
  return readPlanFile(resolve(io.cwd, path), path);
}

/** `M1,M2 M3` → ["M1","M2","M3"], each checked against the plan. */
export function idList(plan: Plan, values: readonly string[] | string | undefined, flag: string): string[] {
  const raw = (Array.isArray(values) ? values : values === undefined ? [] : [values]).flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  const known = new Set(plan.milestones.map((m) => m.id));
  const unknown = raw.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new WeaveError("unknown-milestone", `${flag}: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not in ${plan.file}`, {
      hint: `milestones: ${[...known].slice(0, 20).join(", ")}${known.size > 20 ? ", …" : ""}`,
    });
  }
  return raw;
}

