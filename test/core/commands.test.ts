import { describe, expect, it } from "vitest";
import { commandLines, NOTE_MAX_CHARS, parseCommands, renderCommandProblems } from "../../src/core/commands.js";

const IDS = ["M001", "M002", "api"];

describe("parseCommands", () => {
  it("finds a command on its own line, case-insensitively, and canonicalises IDs", () => {
    const [r] = parseCommands("Looks good.\n/WEAVE Pause m001, API", IDS);
    expect(r).toEqual({ ok: true, command: { verb: "pause", ids: ["M001", "api"], flags: [], source: "/WEAVE Pause m001, API" } });
  });
  it("parses flags", () => {
    expect(parseCommands("/weave doctor --fix", IDS)[0]).toMatchObject({ ok: true, command: { verb: "doctor", flags: ["--fix"] } });
    expect(parseCommands("/weave merge M002 --force", IDS)[0]).toMatchObject({ ok: true, command: { verb: "merge", ids: ["M002"], flags: ["--force"] } });
  });
  it("replies helpfully to an unknown verb", () => {
    const [r] = parseCommands("/weave strat", IDS);
    expect(r?.ok).toBe(false);
    expect(r && !r.ok && r.reply).toMatch(/Unknown command `strat` — did you mean `\/weave start`\?/);
  });
  it("names IDs that are not in the plan, with suggestions", () => {
    const [r] = parseCommands("/weave stop M003 M001", IDS);
    expect(r && !r.ok && r.reply).toMatch(/`M003` — did you mean `M001`\?/);
  });
  it("rejects flags and IDs where they do not belong", () => {
    expect(parseCommands("/weave start M001", IDS)[0]?.ok).toBe(false);
    expect(parseCommands("/weave status --fix", IDS)[0]?.ok).toBe(false);
  });
  it("ignores quotes, code blocks and lookalikes", () => {
    expect(parseCommands("> /weave start\n```\n/weave stop\n```\nsee path/weave start", IDS)).toEqual([]);
  });
  it("answers a bare /weave with help", () => {
    const [r] = parseCommands("/weave", IDS);
    expect(r && !r.ok && r.reply).toMatch(/needs a command/);
  });
});

// The grammar (issue 13): a command is a line that starts with `/weave`, outside code, quotes and HTML comments.
const verbs = (body: string): string[] => parseCommands(body, IDS).map((r) => (r.ok ? r.command.verb : `bad:${r.source}`));

describe("comment-command grammar", () => {
  it.each([
    ["a line of its own", "/weave stop", ["stop"]],
    ["up to 3 leading spaces", "   /weave stop", ["stop"]],
    ["after prose lines", "Thanks!\n\n/weave status\nand more", ["status"]],
    ["CRLF line ends", "hi\r\n/weave stop\r\n", ["stop"]],
    ["mid-sentence", "Please /weave stop now", []],
    ["in an inline code span", "Say `/weave stop` to stop", []],
    ["a lookalike word", "/weaver stop\n/weave-stop\npath/weave start", []],
    ["in a ``` fence", "```\n/weave stop\n```\n/weave status", ["status"]],
    ["in a ~~~ fence", "~~~sh\n/weave stop\n~~~", []],
    ["in an unclosed fence", "```\n/weave stop", []],
    ["a shorter fence does not close a longer one", "````\n```\n/weave stop\n````\n/weave status", ["status"]],
    ["a ~~~ line does not close a ``` fence", "```\n~~~\n/weave stop\n```", []],
    ["an indented fence (≤ 3 spaces)", "   ```\n/weave stop\n   ```", []],
    ["indented code (4 spaces)", "text\n\n    /weave stop", []],
    ["indented code (a tab)", "\t/weave stop", []],
    ["a > quote", "> /weave stop", []],
    ["a nested quote", "> > /weave stop", []],
    ["a quote's lazy continuation line", "> I said\n/weave stop", []],
    ["after a quote and a blank line", "> I said\n\n/weave stop", ["stop"]],
    ["a fence right after a quote starts code", "> quoted\n```\n/weave stop\n```", []],
    ["in an HTML comment on one line", "<!-- /weave stop -->", []],
    ["in an HTML comment over lines", "<!--\n/weave stop\n-->\n/weave status", ["status"]],
    ["the line closing an HTML comment", "<!--\nx\n--> /weave stop", []],
    ["an inline HTML comment opened mid-line", "text <!-- note\n/weave stop\n-->\n/weave status", ["status"]],
    ["text after an inline HTML comment", "/weave stop <!-- why -->", ["stop"]],
    ["several commands", "/weave pause M001\n/weave resume M001", ["pause", "resume"]],
  ])("%s", (_name, body, expected) => {
    expect(verbs(body)).toEqual(expected);
  });

  it("strips inline comments from the command's words", () => {
    expect(parseCommands("/weave stop <!-- M002 --> M001", IDS)[0]).toMatchObject({ ok: true, command: { verb: "stop", ids: ["M001"] } });
  });

  it("keeps only lines outside code, quotes and comments", () => {
    expect(commandLines("a\n```\nb\n```\n> c\nd\n\n<!-- e -->\nf <!-- g --> h")).toEqual(["a", "f  h"]);
  });

  it("words many bad commands as one reply that lists each, with the help once", () => {
    const body = Array.from({ length: 30 }, (_, i) => `/weave frob${i}`).join("\n");
    const bad = parseCommands(body, IDS).filter((r) => !r.ok);
    expect(bad).toHaveLength(30);
    const reply = renderCommandProblems(bad);
    expect(reply).toMatch(/^I did not act on these 30 commands:/);
    for (let i = 0; i < 30; i++) expect(reply).toContain(`\`/weave frob${i}\``);
    expect(reply.split("| `/weave help` |").length).toBe(2);
  });
});

describe("/weave tell", () => {
  it("takes one milestone and the rest of the line as written", () => {
    expect(parseCommands("/weave tell api use the v2 client, not --legacy", IDS)[0]).toEqual({
      ok: true, command: { verb: "tell", ids: ["api"], flags: [], source: "/weave tell api use the v2 client, not --legacy", text: "use the v2 client, not --legacy" },
    });
    expect(parseCommands("/weave TELL m001 hi", IDS)[0]).toMatchObject({ ok: true, command: { ids: ["M001"], text: "hi" } });
  });
  it.each([
    ["no text", "/weave tell api", /needs a milestone ID and the text/],
    ["nothing", "/weave tell", /needs a milestone ID and the text/],
    ["an unknown milestone", "/weave tell apj hello", /`apj` — did you mean `api`\?/],
    ["too long a text", `/weave tell api ${"x".repeat(NOTE_MAX_CHARS + 1)}`, /at most 2000 characters/],
  ])("refuses %s", (_name, body, reason) => {
    const [r] = parseCommands(body, IDS);
    expect(r?.ok).toBe(false);
    expect(r && !r.ok && r.reason).toMatch(reason);
  });
});
