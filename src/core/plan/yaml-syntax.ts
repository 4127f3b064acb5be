/**
 * YAML syntax errors in a plan, worded by weave: every syntax error, each with its class's words, file:line:col and
 * a hint. Run only once js-yaml (the fast path's reader) has refused the text.
 * Responsibilities: read the text again with the `yaml` package, whose errors carry a code and an offset; map each
 * code to weave's words (SYNTAX_WORDS, a closed table); one problem per line; the cases js-yaml refuses and `yaml`
 * only warns about (unknown tags, aliases to no anchor); a positioned fallback when `yaml` finds nothing.
 * Not here: positions of a readable plan (yaml-positions.ts); schema and graph problems (schema-problems.ts,
 * validate-graph.ts). Speed: `yaml` is ~8× slower than js-yaml on a 4 MB plan, which is why it reads only text
 * that is already known to be broken.
 * Invariants: pure; decisions read error codes and offsets, never a parser's message; never returns an empty list.
 */
import { parseDocument, visit } from "yaml";
import type { ErrorCode } from "yaml";
import type { Problem } from "../errors.js";
import { locationAt } from "./plan-failure.js";

interface Words {
  message: string;
  hint: string;
}

const QUOTE_IT = "put the value in quotes";

/** What each of the `yaml` package's error codes means in a plan, in weave's words. */
export const SYNTAX_WORDS: Record<ErrorCode, Words> = {
  ALIAS_PROPS: { message: "an alias (`*name`) cannot have an anchor or a tag", hint: "remove the `&anchor` or `!tag` before the alias" },
  BAD_ALIAS: { message: "a `*` starts an alias here, but no anchor name follows", hint: `${QUOTE_IT} if the * is meant literally` },
  BAD_DIRECTIVE: { message: "a `%` directive weave cannot read (a plan needs none)", hint: "remove the lines starting with %" },
  BAD_DQ_ESCAPE: { message: "unknown escape sequence in a double-quoted string", hint: "write a backslash as \\\\, or use single quotes" },
  BAD_INDENT: { message: "bad indentation, or a [ or { that is never closed", hint: "items of one list or mapping start at the same column; close every [ and {" },
  BAD_PROP_ORDER: { message: "an anchor or tag in the wrong place", hint: "write `&anchor` and `!tag` right before the value" },
  BAD_SCALAR_START: { message: "a plain value cannot start with @, %, a backquote or another reserved character", hint: QUOTE_IT },
  BLOCK_AS_IMPLICIT_KEY: { message: "a `key: value` inside another key's one-line value", hint: `start the inner mapping on its own line, indented, or ${QUOTE_IT}` },
  BLOCK_IN_FLOW: { message: "a list item (`- x`) or `key:` line inside [ ] or { }", hint: "close the [ or { first, or write the items inline, separated by commas" },
  DUPLICATE_KEY: { message: "duplicated mapping key", hint: "a key may appear once in each mapping: remove or rename one" },
  IMPOSSIBLE: { message: "text the YAML reader cannot make sense of", hint: "check indentation, colons and quotes around this place" },
  KEY_OVER_1024_CHARS: { message: "a key longer than 1024 characters", hint: "shorten the key, or put `: ` after it on the same line" },
  MISSING_CHAR: { message: "something is missing here: a closing quote or bracket, a comma, or the `:` after a key", hint: "every line of a mapping is `key: value`; close every quote, [ and {" },
  MULTILINE_IMPLICIT_KEY: { message: "a line that is not `key: value` (a key cannot span lines)", hint: `indent a continued value under its key, or ${QUOTE_IT}` },
  MULTIPLE_ANCHORS: { message: "a value with two anchors (`&name`)", hint: "keep one anchor" },
  MULTIPLE_DOCS: { message: "more than one YAML document (a `---` or `...` line after content)", hint: "a plan is one document: remove the separator line" },
  MULTIPLE_TAGS: { message: "a value with two tags (`!tag`)", hint: "keep one tag" },
  NON_STRING_KEY: { message: "a key that is a list or mapping", hint: "keys are words like `id` or `tasks`" },
  RESOURCE_EXHAUSTION: { message: "YAML aliases expand to too many nodes", hint: "write the repeated parts out, or use fewer `*alias` references" },
  TAB_AS_INDENT: { message: "tab characters must not be used in indentation", hint: "indent with spaces" },
  TAG_RESOLVE_FAILED: { message: "a tag (`!name` or `!!type`) weave does not know, or a value that does not fit its tag", hint: "remove the tag: a plan needs none" },
  UNEXPECTED_TOKEN: { message: "unexpected text here", hint: "check indentation, colons and quotes around this place" },
  BAD_COLLECTION_TYPE: { message: "a tag that does not fit this list or mapping", hint: "remove the tag: a plan needs none" },
};

const UNKNOWN_ALIAS: Words = { message: "an alias (`*name`) to an anchor (`&name`) that is not defined before it", hint: `define the anchor first, or ${QUOTE_IT} if the * is meant literally` };
const UNREADABLE: Words = { message: "this is not YAML weave can read", hint: "check indentation, colons and quotes around this place" };

/** Warnings that are errors for js-yaml (the reader whose verdict counts). */
const REFUSED_WARNINGS = new Set<ErrorCode>(["BAD_DIRECTIVE", "TAG_RESOLVE_FAILED", "BAD_COLLECTION_TYPE"]);

/**
 * Every syntax problem in `text`, which js-yaml refused (at `refusedAt`, when it said where): one per line, the first
 * found on it. Never empty: when `yaml` reads the text fine, the one problem is placed where js-yaml stopped.
 */
export function findSyntaxProblems(text: string, file: string, lineStarts: readonly number[], refusedAt: number | undefined): Problem[] {
  const doc = parseDocument(text, { schema: "core", prettyErrors: false, uniqueKeys: true });
  const found: { offset: number; words: Words }[] = [];
  for (const e of doc.errors) found.push({ offset: e.pos[0], words: SYNTAX_WORDS[e.code] });
  for (const w of doc.warnings) if (REFUSED_WARNINGS.has(w.code)) found.push({ offset: w.pos[0], words: SYNTAX_WORDS[w.code] });
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined) found.push({ offset: node.range?.[0] ?? 0, words: UNKNOWN_ALIAS });
    },
  });
  if (found.length === 0) found.push({ offset: refusedAt ?? 0, words: UNREADABLE });
  const byLine = new Map<number, Problem>();
  for (const { offset, words } of found) {
    const location = locationAt(file, lineStarts, Math.min(offset, text.length));
    if (!byLine.has(location.line)) byLine.set(location.line, { message: `YAML syntax: ${words.message}`, hint: words.hint, location });
  }
  return [...byLine.values()];
}

