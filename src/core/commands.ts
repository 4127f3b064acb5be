/**
 * Comment commands: `/weave start|status|stop [IDs]|pause [IDs]|resume [IDs]|merge [IDs] [--force]|tell ID text|doctor [--fix]|help`.
 * Responsibilities: the grammar (a command is a line that starts with `/weave`, outside code, quotes and HTML
 * comments; case-insensitive), validating verbs, flags and IDs, and wording replies (one for many bad commands).
 * Not here: permission checks and acting on commands (github/comment-commands.ts), the CLI's `weave tell` (cli/).
 * Invariants: pure; mid-sentence `/weave` is never a command; IDs keep the plan's spelling.
 */
import { suggest } from "./plan/suggest.js";

export const COMMAND_VERBS = ["start", "status", "stop", "pause", "resume", "merge", "tell", "doctor", "help"] as const;
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
  /** `tell`: the instructions, as written. */
  text?: string;
}

/** Longest `/weave tell` text (the worker's notes box keeps as much). */
export const NOTE_MAX_CHARS = 2000;

/** A command not understood: `reason` in a line (for one reply listing many), `reply` with help where it helps. */
export type CommandResult = { ok: true; command: WeaveCommand } | { ok: false; source: string; reason: string; reply: string };

export const COMMAND_HELP = [
  "| command | what it does |",
  "|---|---|",
  "| `/weave start` | check the plan, report eligibility and start eligible milestones |",
  "| `/weave status` | refresh the status comment |",
  "| `/weave stop [IDs]` | stop workers (all, or the IDs named) |",
  "| `/weave pause [IDs]` | finish the current task, checkpoint, then wait |",
  "| `/weave resume [IDs]` | start paused or stopped milestones again from their checkpoint |",
  "| `/weave merge [IDs] [--force]` | merge finished milestones (retry after a conflict) |",
  "| `/weave tell ID text` | extra instructions, given to ID's agent with its next task |",
  "| `/weave doctor [--fix]` | find stale runs, orphan branches and ledger entries (and clean them) |",
  "| `/weave help` | this table |",
].join("\n");

/**
 * The lines of a comment that may carry a command: every line outside fenced code (``` or ~~~, closed by a fence of
 * the same character at least as long, or the end), indented code (4+ spaces or a tab), `>` quotes with their lazy
 * continuation lines (until a blank line) and HTML comments (`<!-- … -->`, across lines too, the closing line
 * included); inline comments are cut out of the lines kept.
 */
export function commandLines(body: string): string[] {
  const kept: string[] = [];
  let fence: { char: string; length: number } | undefined;
  let inQuote = false;
  let inComment = false;
  for (const raw of body.split(/\r\n|\r|\n/)) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(raw);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    if (inComment) {
      if (raw.includes("-->")) inComment = false;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(raw);
    if (open && !(open[1]![0] === "`" && open[2]!.includes("`"))) {
      fence = { char: open[1]![0]!, length: open[1]!.length };
      inQuote = false;
      continue;
    }
    if (raw.trim() === "") {
      inQuote = false;
      continue;
    }
    if (/^ {0,3}>/.test(raw)) {
      inQuote = true;
      continue;
    }
    // A line right after a quote line, with no blank line between, continues the quote (a "lazy" line).
    if (inQuote) continue;
    if (/^ {0,3}<!--/.test(raw)) {
      // An HTML block: up to and including the line that closes it.
      if (!raw.includes("-->", raw.indexOf("<!--") + 4)) inComment = true;
      continue;
    }
    let line = raw;
    for (let at = line.indexOf("<!--"); at >= 0; at = line.indexOf("<!--")) {
      const close = line.indexOf("-->", at + 4);
      if (close < 0) {
        line = line.slice(0, at);
        inComment = true;
        break;
      }
      line = `${line.slice(0, at)}${line.slice(close + 3)}`;
    }
    kept.push(line);
  }
  return kept;
}

/** A line starting (after up to 3 spaces) with `/weave`, then a space or its end; 4+ spaces is indented code. */
const COMMAND_LINE = /^ {0,3}\/weave(?=\s|$)(.*)$/i;

/** Every `/weave …` command in a comment, in order (see commandLines for where they count). `knownIds` enables ID checks. */
export function parseCommands(body: string, knownIds?: readonly string[]): CommandResult[] {
  const results: CommandResult[] = [];
  for (const line of commandLines(body)) {
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    results.push(parseOne(line.trim(), (match[1] ?? "").trim(), knownIds));
  }
  return results;
}

/** One reply for every command of a comment that was not understood: each named with its reason, the help once. */
export function renderCommandProblems(problems: readonly { source: string; reason: string }[]): string {
  const quote = (s: string): string => s.replace(/`/g, "'").slice(0, 120);
  const head = problems.length === 1 ? "I did not act on this command:" : `I did not act on these ${problems.length} commands:`;
  return [head, "", ...problems.map((p) => `- \`${quote(p.source)}\` — ${p.reason}`), "", COMMAND_HELP].join("\n");
}

function parseOne(source: string, rest: string, knownIds?: readonly string[]): CommandResult {
  const fail = (reason: string, withHelp = false): CommandResult => ({ ok: false, source, reason, reply: withHelp ? `${reason}\n\n${COMMAND_HELP}` : reason });
  const words = rest.split(/[\s,]+/).filter(Boolean);
  const verbWord = (words.shift() ?? "").toLowerCase();
  if (verbWord === "") return fail("`/weave` needs a command.", true);
  const verb = COMMAND_VERBS.find((v) => v === verbWord);
  if (!verb) {
    const near = suggest(verbWord, COMMAND_VERBS);
    return fail(`Unknown command \`${verbWord.replace(/`/g, "'").slice(0, 40)}\`${near ? ` — did you mean \`/weave ${near}\`?` : "."}`, true);
  }
  if (verb === "tell") return parseTell(source, rest, knownIds, fail);
  const flags = words.filter((w) => w.startsWith("-")).map((w) => w.toLowerCase());
  const ids = words.filter((w) => !w.startsWith("-"));
  const allowedFlags = FLAGS[verb] ?? [];
  const badFlag = flags.find((f) => !allowedFlags.includes(f));
  if (badFlag) {
    return fail(`\`/weave ${verb}\` does not take \`${badFlag.replace(/`/g, "'").slice(0, 40)}\`${allowedFlags.length ? ` (it takes ${allowedFlags.map((f) => `\`${f}\``).join(", ")})` : ""}.`);
  }
  if (ids.length > 0 && !TAKES_IDS.has(verb)) return fail(`\`/weave ${verb}\` takes no milestone IDs.`);
  if (knownIds) {
    const canonical = new Map(knownIds.map((id) => [id.toLowerCase(), id]));
    const unknown = ids.filter((id) => !canonical.has(id.toLowerCase()));
    if (unknown.length > 0) return fail(notInPlan(unknown, knownIds));
    return { ok: true, command: { verb, ids: ids.map((id) => canonical.get(id.toLowerCase())!), flags, source } };
  }
  return { ok: true, command: { verb, ids, flags, source } };
}

/** `/weave tell <ID> <text>`: one milestone, then the rest of the line as written (flags included). */
function parseTell(source: string, rest: string, knownIds: readonly string[] | undefined, fail: (reason: string) => CommandResult): CommandResult {
  const match = /^tell\s+(\S+)\s*(.*)$/i.exec(rest);
  const id = match?.[1]?.replace(/,$/, "");
  const text = (match?.[2] ?? "").trim();
  if (!id || !text) return fail("`/weave tell` needs a milestone ID and the text to tell it: `/weave tell <ID> <text>`.");
  if (text.length > NOTE_MAX_CHARS) return fail(`\`/weave tell\` takes at most ${NOTE_MAX_CHARS} characters of text (this one has ${text.length}).`);
  if (knownIds) {
    const canonical = knownIds.find((k) => k.toLowerCase() === id.toLowerCase());
    if (!canonical) return fail(notInPlan([id], knownIds));
    return { ok: true, command: { verb: "tell", ids: [canonical], flags: [], source, text } };
  }
  return { ok: true, command: { verb: "tell", ids: [id], flags: [], source, text } };
}

function notInPlan(unknown: readonly string[], knownIds: readonly string[]): string {
  const named = unknown.map((id) => {
    const near = suggest(id, knownIds);
    return `\`${id.replace(/`/g, "'").slice(0, 64)}\`${near ? ` — did you mean \`${near}\`?` : ""}`;
  });
  const shown = knownIds.slice(0, 20).map((id) => `\`${id}\``).join(", ");
  return `Not in the plan: ${named.join("; ")}. Milestones: ${shown}${knownIds.length > 20 ? ", …" : ""}`;
}
