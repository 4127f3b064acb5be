/**
 * CLI plumbing shared by commands: the injected world (env, cwd, streams), argument parsing, and exit codes.
 * Responsibilities: strict option parsing that turns mistakes into usage errors; reading a plan file.
 * Not here: the commands themselves (cli/commands/), rendering (core/render/).
 * Invariants: the only place besides commands that writes to stdout/stderr is cli/main.ts.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { WeaveError } from "../core/errors.js";
import { readPlanFile } from "../local/read-plan-file.js";
import type { Plan } from "../core/plan/plan.js";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const DEFAULT_PLAN_PATH = ".github/weave.yml";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseOptions<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "").split(". ")[0]!;
    throw new WeaveError("usage", message, { hint: `usage: ${usage}` });
  }
}

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

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
}
