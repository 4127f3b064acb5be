/**
 * Comment commands: `/weave start|status|stop [IDs]|pause [IDs]|resume [IDs]|merge [IDs] [--force]|doctor [--fix]|help`.
 * Responsibilities: find commands anywhere in a comment (case-insensitive), validate verbs, flags and IDs, and word a helpful reply.
 * Not here: permission checks and acting on commands (github/ handlers, reconcile/).
 * Invariants: pure; quoted lines (`>`) and fenced code blocks are never commands; IDs keep the plan's spelling.
 */
import { suggest } from "./plan/suggest.js";

export const COMMAND_VERBS = ["start", "status", "stop", "pause", "resume", "merge", "doctor", "help"] as const;
export type CommandVerb = (typeof COMMAND_VERBS)[number];

const TAKES_IDS: ReadonlySet<CommandVerb> = new Set(["stop", "pause", "resume", "merge"]);
const FLAGS: Partial<Record<CommandVerb, readonly string[]>> = { doctor: ["--fix"], merge: ["--force"] };

export interface WeaveCommand {
  verb: CommandVerb;
  /** Milestone IDs named (empty = all). */
  ids: string[];
  flags: string[];
  /** The line as written, for replies. */
  source: string;
}

export type CommandResult = { ok: true; command: WeaveCommand } | { ok: false; source: string; reply: string };

const COMMAND_LINE = /(?:^|\s)\/weave(?![\w-])\s*(.*)$/i;

export const COMMAND_HELP = [
  "| command | what it does |",
  "|---|---|",
  "| `/weave start` | check the plan, report eligibility and start eligible milestones |",
  "| `/weave status` | refresh the status comment |",
  "| `/weave stop [IDs]` | stop workers (all, or the IDs named) |",
  "| `/weave pause [IDs]` | finish the current task, checkpoint, then wait |",
  "| `/weave resume [IDs]` | start paused or stopped milestones again from their checkpoint |",
  "| `/weave merge [IDs] [--force]` | merge finished milestones (retry after a conflict) |",
  "| `/weave doctor [--fix]` | find stale runs, orphan branches and ledger entries (and clean them) |",
  "| `/weave help` | this table |",
].join("\n");

/** Every `/weave …` command in a comment, in order. `knownIds` enables ID checks. */
export function parseCommands(body: string, knownIds?: readonly string[]): CommandResult[] {
  const results: CommandResult[] = [];
  let fenced = false;
  for (const rawLine of body.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || line.startsWith(">")) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    results.push(parseOne(line.slice(match.index).trim(), (match[1] ?? "").trim(), knownIds));
  }
  return results;
}

function parseOne(source: string, rest: string, knownIds?: readonly string[]): CommandResult {
  const words = rest.split(/[\s,]+/).filter(Boolean);
  const verbWord = (words.shift() ?? "").toLowerCase();
  if (verbWord === "") return { ok: false, source, reply: `\`/weave\` needs a command.\n\n${COMMAND_HELP}` };
  const verb = COMMAND_VERBS.find((v) => v === verbWord);
  if (!verb) {
    const near = suggest(verbWord, COMMAND_VERBS);
    return { ok: false, source, reply: `Unknown command \`${verbWord}\`${near ? ` — did you mean \`/weave ${near}\`?` : "."}\n\n${COMMAND_HELP}` };
  }
  const flags = words.filter((w) => w.startsWith("-")).map((w) => w.toLowerCase());
  const ids = words.filter((w) => !w.startsWith("-"));
  const allowedFlags = FLAGS[verb] ?? [];
  const badFlag = flags.find((f) => !allowedFlags.includes(f));
  if (badFlag) {
    return { ok: false, source, reply: `\`/weave ${verb}\` does not take \`${badFlag}\`${allowedFlags.length ? ` (it takes ${allowedFlags.map((f) => `\`${f}\``).join(", ")})` : ""}.` };
  }
  if (ids.length > 0 && !TAKES_IDS.has(verb)) return { ok: false, source, reply: `\`/weave ${verb}\` takes no milestone IDs.` };
  if (knownIds) {
    const canonical = new Map(knownIds.map((id) => [id.toLowerCase(), id]));
    const unknown = ids.filter((id) => !canonical.has(id.toLowerCase()));
    if (unknown.length > 0) {
      const lines = unknown.map((id) => {
        const near = suggest(id, knownIds);
        return `- \`${id}\`${near ? ` — did you mean \`${near}\`?` : ""}`;
      });
      return { ok: false, source, reply: `Not in the plan:\n${lines.join("\n")}\n\nMilestones: ${knownIds.map((id) => `\`${id}\``).join(", ")}` };
    }
    return { ok: true, command: { verb, ids: ids.map((id) => canonical.get(id.toLowerCase())!), flags, source } };
  }
  return { ok: true, command: { verb, ids, flags, source } };
}
