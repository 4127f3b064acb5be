/**
 * The `weave` command line as commander sees it: every command, its arguments and options with help text and value
 * checks. Used to validate argv before a command runs (did-you-mean for unknown commands and flags, clear messages for
 * bad values) and to print per-command help (`weave start --help`).
 * Not here: what commands do (cli/commands/, which still read their own argv), routing and error rendering (cli/main.ts).
 * Invariants: errors are WeaveError("usage") translated from commander's documented error codes, never its wording.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { WeaveError } from "../core/errors.js";
import { parseDuration } from "../core/plan/duration.js";
import { PLAN_PATH } from "../core/plan/plan-path.js";

const wholeNumber = (min: number, max: number) => (value: string): string => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`Must be a whole number from ${min} to ${max}.`);
  return value;
};
const positiveUsd = (value: string): string => {
  if (!/^\d+(\.\d+)?$/.test(value) || !(Number(value) > 0)) throw new InvalidArgumentError("Must be a positive amount of USD, like 5 or 12.50.");
  return value;
};
const duration = (value: string): string => {
  if (parseDuration(value) === undefined) throw new InvalidArgumentError("Must be a duration like 7d, 12h or 30m.");
  return value;
};
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function stateFlags(command: Command): Command {
  return command
    .option("--merged <IDS>", "milestones to treat as merged (comma-separated; repeatable)", collect)
    .option("--running <IDS>", "milestones to treat as running", collect)
    .option("--failed <IDS>", "milestones to treat as failed", collect);
}

/** The command tree; `onRun` receives the full command name ("plan check", "start", …) of the one argv selects. */
export function buildProgram(onRun: (name: string) => void): Command {
  const program = new Command("weave")
    .description("Run a plan's milestones in parallel, each on its own branch, and merge them back.")
    .option("-v, --version", "print weave's version")
    .option("--debug", "print stack traces with errors")
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  const leaf = (parent: Command, name: string, description: string, full = name): Command =>
    parent.command(name).description(description).allowExcessArguments(false).action(() => onRun(full));

  const plan = program.command("plan").description("check, draw and simulate a plan").showSuggestionAfterError(true);
  leaf(plan, "check", "validate a plan (every problem, with line and column)", "plan check").argument("[path]", "plan file", PLAN_PATH).option("--json", "problems as JSON");
  stateFlags(leaf(plan, "graph", "draw the dependency graph", "plan graph").argument("[path]", "plan file"))
    .addOption(new Option("--format <format>", "output format").choices(["mermaid", "dot"]).default("mermaid"));
  stateFlags(leaf(plan, "eligible", "which milestones may start, and why others wait", "plan eligible").argument("[path]", "plan file"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "markdown", "json"]).default("text"));
  leaf(plan, "simulate", "schedule the plan on a virtual clock: makespan, lower bound, Gantt", "plan simulate").argument("[path]", "plan file")
    .option("--workers <n>", "workers to simulate (default: the plan's max_workers)", wholeNumber(1, 1024))
    .option("--actual <file>", "JSON of measured durations per milestone")
    .option("--json", "result as JSON")
    .addOption(new Option("--format <format>", "chart format").choices(["text", "mermaid"]).default("text"));

  leaf(program, "init", "write an example plan, the worker workflow, and .weave/ to .gitignore")
    .option("--force", "overwrite existing files")
    .option("--action-ref <ref>", "the worker Action to use, OWNER/REPO[/PATH]@REF (default: this weave's release)")
    .addOption(new Option("--action <ref>").hideHelp())
    .option("--agent <name>", "the agent preset the plan and workflow are written for: claude (default), codex, gemini, aider, custom")
    .addOption(new Option("--coordinator <where>", "where weave's loop runs on GitHub: actions (a coordinator workflow, no server; the default) or app (your weave App server)").choices(["app", "actions"]));

  leaf(program, "start", "run the plan on this machine; returns when nothing more can happen without you").argument("[path]", "plan file")
    .option("--workers <n>", "milestones running at once (default: the plan's max_workers)", wholeNumber(1, 64))
    .option("--budget <usd>", "USD ceiling for the run (default: the plan's budget_ceiling)", positiveUsd)
    .option("--dry-run", "say what would start; change nothing")
    .option("--detach", "run the coordinator in the background")
    .option("--live", "draw the live view even when stdout is not a terminal");
  leaf(program, "status", "state, task n/m, cost and heartbeat of every milestone").argument("[path]", "plan file")
    .option("--json", "as JSON")
    .option("--watch", "redraw until the run ends");
  for (const verb of ["stop", "pause", "resume", "merge"] as const) {
    const command = leaf(program, verb, verb === "merge" ? "land finished milestones (retry after resolving a conflict)" : `${verb} workers (all, or the IDs named)`)
      .argument("[ids...]", "milestone IDs (default: all)")
      .option("--plan <path>", "plan file", PLAN_PATH);
    if (verb === "merge") command.option("--force", "land even when verify failed or files are out of scope");
  }
  leaf(program, "tell", "extra instructions, given to ID's agent with its next task").argument("<id>", "milestone ID").argument("<text...>", "the instructions")
    .option("--plan <path>", "plan file", PLAN_PATH);
  leaf(program, "doctor", "find (and with --fix clean) stale locks, dead workers, orphan worktrees and branches").argument("[path]", "plan file").option("--fix", "apply the fixes");
  leaf(program, "cleanup", "remove old worktrees and logs of finished milestones")
    .option("--older-than <age>", "only what finished longer ago", duration, "7d")
    .option("--dry-run", "list, remove nothing");
  return program;
}

/**
 * Validates `args` (without `--debug`) against the command tree. Returns the full command name, or "help" when
 * commander printed help to `out`. Throws WeaveError("usage") with commander's message and a help hint.
 */
export function checkArgs(args: readonly string[], out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): string {
  let name = "";
  let captured = "";
  const program = buildProgram((full) => (name = full));
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: (s) => out.stdout.write(s), writeErr: (s) => (captured += s), outputError: (s) => (captured += s) });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    program.parse([...args], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === "commander.helpDisplayed") return "help";
    const known = program.commands.find((c) => c.name() === args[0]);
    const sub = known?.commands.find((c) => c.name() === args[1]);
    const where = sub ? `${args[0]} ${args[1]}` : known ? args[0] : undefined;
    const message = (captured || e.message).replace(/^error: /, "").trim();
    if (e.code === "commander.help" && known && known.commands.length > 0) {
      throw new WeaveError("usage", `\`weave ${args[0]}\` needs a subcommand: ${known.commands.map((c) => c.name()).join(", ")}`, { hint: `run \`weave ${args[0]} --help\`` });
    }
    const suggestion = /\(Did you mean ([^)?]*)\??\)/.exec(message)?.[1];
    throw new WeaveError("usage", message.split("\n")[0]!, {
      hint: [suggestion ? `did you mean ${suggestion}?` : undefined, `run \`weave ${where ? `${where} ` : ""}--help\``].filter(Boolean).join("; "),
    });
  }
  return name;
}
