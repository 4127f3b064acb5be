import { describe, expect, it } from "vitest";
import { isWeaveError } from "../../../src/core/errors.js";
import { parsePlan } from "../../../src/core/plan/parse-plan.js";
import { SYNTAX_WORDS } from "../../../src/core/plan/yaml-syntax.js";

/** `line:column message` of every problem, and each one's hint. */
function problemsOf(text: string): { at: string; message: string; hint?: string }[] {
  try {
    parsePlan(text, "weave.yml");
  } catch (e) {
    if (!isWeaveError(e, "plan-invalid")) throw e;
    return e.problems.map((p) => ({ at: `${p.location?.line}:${p.location?.column}`, message: p.message, hint: p.hint }));
  }
  throw new Error("expected the plan to be invalid");
}

const words = (code: keyof typeof SYNTAX_WORDS): string => `YAML syntax: ${SYNTAX_WORDS[code].message}`;
const W = "version: 1\nworker: ";

// One plan per class of YAML syntax error weave words (the `yaml` package's code, or weave's own cases), where it is.
const CLASSES: [string, string, string[], string[]][] = [
  ["an unclosed [ with block items inside", "version: 1\nmilestones: [\n  - a: b\n", ["3:3", "4:1"], [words("BLOCK_IN_FLOW"), words("BAD_INDENT")]],
  ["a duplicated key (block)", "version: 1\nversion: 1\n", ["2:1"], ["YAML syntax: duplicated mapping key"]],
  ["a duplicated key (flow)", `${W}{ command: x, command: y }\n`, ["2:23"], ["YAML syntax: duplicated mapping key"]],
  ["a tab as indentation", "version: 1\nworker:\n\tcommand: x\n", ["3:1"], [words("TAB_AS_INDENT")]],
  ["a key: value inside a one-line value", `${W}command: x\n`, ["2:9"], [words("BLOCK_AS_IMPLICIT_KEY")]],
  ["a line that is not key: value", "version: 1\nworker\ntarget: main\n", ["2:1"], [words("MULTILINE_IMPLICIT_KEY")]],
  ["an unclosed double quote", `${W}{ command: "x }\n`, ["3:1"], [words("MISSING_CHAR")]],
  ["an unknown escape", `${W}{ command: "a\\qb" }\n`, ["2:22"], [words("BAD_DQ_ESCAPE")]],
  ["two documents", "version: 1\n---\nworker: { command: x }\n", ["2:1"], [words("MULTIPLE_DOCS")]],
  ["a value starting with @", `${W}{ command: @x }\n`, ["2:20"], [words("BAD_SCALAR_START")]],
  ["two anchors", `${W}&a &b { command: x }\n`, ["2:12"], [words("MULTIPLE_ANCHORS")]],
  ["two tags", `${W}!!map !!map { command: x }\n`, ["2:15"], [words("MULTIPLE_TAGS")]],
  ["an unclosed {", `${W}{ command: x\n`, ["3:1"], [words("BAD_INDENT")]],
  ["a key indented less than its sibling", "version: 1\nworker:\n    command: x\n  agent: claude\n", ["4:1"], [words("BAD_INDENT")]],
  ["text after a closed flow value", `${W}{ command: x }}\n`, ["2:23"], [words("UNEXPECTED_TOKEN")]],
  ["an anchor on an alias", "version: 1\nw: &a { command: x }\nworker: &b *a\n", ["3:12"], [words("ALIAS_PROPS")]],
  ["an anchor after ?", "version: 1\nmilestones:\n  - &a ? x\n", ["3:8"], [words("BAD_PROP_ORDER")]],
  ["an unknown tag", `${W}!foo { command: x }\n`, ["2:9"], [words("TAG_RESOLVE_FAILED")]],
  ["a %YAML version weave cannot read", "%YAML 2.0\n---\nversion: 1\n", ["1:7"], [words("BAD_DIRECTIVE")]],
  ["a key over 1024 characters (and an unclosed [)", `version: 1\n${"k".repeat(1100)}: v\nworker: [\n`, ["2:1", "4:1"], [words("KEY_OVER_1024_CHARS"), words("BAD_INDENT")]],
  ["a * with no anchor name", `${W}* x\n`, ["2:9"], [words("BAD_ALIAS")]],
  ["an alias to no anchor", `${W}*nope\n`, ["2:9"], ["YAML syntax: an alias (`*name`) to an anchor (`&name`) that is not defined before it"]],
  ["what only js-yaml refuses: placed where it stopped", "%YAML 1.1\n%YAML 1.2\n---\nversion: 1\n", ["3:1"], ["YAML syntax: this is not YAML weave can read"]],
];

describe("YAML syntax errors: each class in weave's words, every one at once, each where it is", () => {
  it.each(CLASSES)("%s", (_name, text, at, messages) => {
    const problems = problemsOf(text);
    expect(problems.map((p) => p.at)).toEqual(at);
    expect(problems.map((p) => p.message)).toEqual(messages);
    for (const p of problems) expect(p.hint, p.message).toMatch(/\w/);
  });

  it("one problem per line: a parser's follow-on errors on the same line are not repeated", () => {
    // `yaml` reports three errors on line 3 (an item where a key was expected); the person sees one.
    expect(problemsOf("version: 1\nworker:\n  command: x\n- b\n").map((p) => p.at)).toEqual(["4:1"]);
  });

  it("words every code, each with a hint, none in the parser's own English", () => {
    for (const [code, w] of Object.entries(SYNTAX_WORDS)) {
      expect(w.message, code).toMatch(/\w/);
      expect(w.hint, code).toMatch(/\w/);
    }
  });
});
