/**
 * CLI plumbing shared by commands: the injected world (env, cwd, streams), argument parsing, and exit codes.
 * Responsibilities: strict option parsing that turns mistakes into usage errors; writing output.
 * Not here: reading plans (cli/plan-arg.ts — kept apart so commands that need no plan load no YAML or zod).
 * Not here: the commands themselves (cli/commands/), rendering (core/render/).
 * Invariants: the only place besides commands that writes to stdout/stderr is cli/main.ts.
 */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { WeaveError } from "../core/errors.js";
import { PLAN_PATH } from "../core/plan/plan-path.js";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The plan a command reads when none is named. */
export const DEFAULT_PLAN_PATH = PLAN_PATH;

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseOptions<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "").split(". ")[0]!;
    throw new WeaveError("usage", message, { hint: `usage: ${usage}` });
  }
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
}
