import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/core/commands.js";

const IDS = ["M001", "M002", "api"];

describe("parseCommands", () => {
  it("finds a command anywhere, case-insensitively, and canonicalises IDs", () => {
    const [r] = parseCommands("Looks good.\nPlease /WEAVE Pause m001, API", IDS);
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
