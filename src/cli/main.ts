/**
 * CLI entry: argv → command → exit code (0 ok, 1 failed, 2 usage). The only place that renders errors.
 * Responsibilities: route `weave <command> …`, print help and version, render any error the same way, stack only with --debug.
 * Not here: what each command does (cli/commands/).
 * Invariants: never throws; stdout carries results, stderr carries errors.
 */
import { toWeaveError, WeaveError } from "../core/errors.js";
import { renderErrorText } from "../core/render/error-render.js";
import type { CliIo } from "./cli-io.js";
import { write } from "./cli-io.js";

export type { CliIo } from "./cli-io.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Loaded on demand: a worker process or `weave status` must not pay for every command's imports. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  "plan check": async () => (await import("./commands/plan-check.js")).runPlanCheck,
  "plan eligible": async () => (await import("./commands/plan-eligible.js")).runPlanEligible,
  "plan graph": async () => (await import("./commands/plan-graph.js")).runPlanGraph,
  "plan simulate": async () => (await import("./commands/plan-simulate.js")).runPlanSimulate,
  start: async () => (await import("./commands/start.js")).runStart,
  status: async () => (await import("./commands/status.js")).runStatus,
  stop: async () => (await import("./commands/control.js")).controlCommand("stop"),
  pause: async () => (await import("./commands/control.js")).controlCommand("pause"),
  resume: async () => (await import("./commands/control.js")).controlCommand("resume"),
  merge: async () => (await import("./commands/control.js")).controlCommand("merge"),
  tell: async () => (await import("./commands/tell.js")).runTell,
  init: async () => (await import("./commands/init.js")).runInit,
  doctor: async () => (await import("./commands/doctor.js")).runDoctor,
  cleanup: async () => (await import("./commands/doctor.js")).runCleanup,
  __worker: async () => (await import("./commands/worker.js")).runWorkerCommand,
};

export const HELP = `weave — run a plan's milestones in parallel, each on its own branch, and merge them back.

Usage: weave <command> [options]

Plan
  plan check [PATH] [--json]                 validate a plan (default .github/weave.yml)
  plan graph [PATH] --format mermaid|dot      draw the dependency graph
  plan eligible [PATH] --merged IDS …         which milestones may start, and why others wait
  plan simulate [PATH] --workers N            schedule on a virtual clock: makespan, lower bound, Gantt

Set up
  init [--force] [--action-ref REF] [--agent claude|codex|gemini|aider|custom]
                                              write an example plan, the worker workflow, and .weave/ to .gitignore

Run (on this machine, with git worktrees)
  start [PATH] [--workers N] [--budget USD] [--dry-run] [--detach]
                                              run the plan; returns when nothing more can happen without you
  status [PATH] [--json] [--watch]            state, task n/m, cost and heartbeat of every milestone
  stop|pause|resume [IDS]                     steer workers (all, or the IDs named)
  tell ID [--] TEXT                           extra instructions, given to ID's agent with its next task
  merge [IDS] [--force]                       land finished milestones (retry after resolving a conflict)
  doctor [--fix]                              find (and clean) stale locks, dead workers, orphan worktrees/branches
  cleanup [--older-than 7d] [--dry-run]       remove old worktrees and logs of finished milestones

Options: --debug (stack traces), --help, --version. "weave <command> --help" shows its options.
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  try {
    if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
      write(io.stdout, HELP);
      return args.length === 0 ? 2 : 0;
    }
    if (args[0] === "__worker") return await (await COMMANDS.__worker!())(args.slice(1), io);
    if (args[0] === "--version" || args[0] === "-v") {
      const { readPackageInfo } = await import("./package-info.js");
      write(io.stdout, `weave ${readPackageInfo().version}`);
      return 0;
    }
    const { checkArgs } = await import("./command-spec.js");
    const name = checkArgs(args, io);
    if (name === "help") return 0;
    const command = COMMANDS[name];
    if (!command) throw new WeaveError("internal", `no handler for \`weave ${name}\``);
    const rest = args.slice(name.split(" ").length);
    return await (await command())(rest, io);
  } catch (e) {
    const error = toWeaveError(e);
    io.stderr.write(renderErrorText(error, { debug }));
    return error.code === "usage" || error.code === "unknown-milestone" ? 2 : 1;
  }
}
