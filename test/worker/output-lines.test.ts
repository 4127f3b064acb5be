// Output handling: the splitter (linear, capped, ANSI stripped), the tails, and a real child process whose output
// would overflow a status (a 300 KB last line, a 20 MB single line before the result line).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCost } from "../../src/worker/agents/cost-meter.js";
import { capLine, createLineSplitter, createTail, createTextTail, stripAnsi } from "../../src/worker/output-lines.js";
import { LINE_CAP, startTaskProcess, TAIL_LINES } from "../../src/worker/task-process.js";
import { read } from "./agent-samples.js";

function split(chunks: string[], parseCap = 1000): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [];
  const s = createLineSplitter({ parseCap, onLine: (l, t) => out.push([l, t]) });
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe("line splitter", () => {
  it("joins lines across chunks, drops \\r of CRLF, hands over a last line without newline", () => {
    expect(split(["a", "b\nc\r", "\n", "", "d"])).toEqual([["ab", false], ["c", false], ["d", false]]);
    expect(split(["x\n\n"])).toEqual([["x", false], ["", false]]);
  });

  it("strips ANSI colour and cursor codes (Gemini's untrusted-folder message is red)", () => {
    const red = read("gemini-untrusted-dir.stderr");
    expect(red).toContain("\u001b[31m");
    expect(stripAnsi(red)).not.toContain("\u001b");
    expect(stripAnsi("\u001b]0;title\u0007\u001b[2K\u001b[1Gok")).toBe("ok");
  });

  it("cuts a line longer than the parse cap and says so; memory stays at the cap", () => {
    const long = "x".repeat(5000);
    const [[line, truncated]] = split([long.slice(0, 1234), long.slice(1234), "\n"]) as [[string, boolean]];
    expect(line).toHaveLength(1000);
    expect(truncated).toBe(true);
    expect(capLine(long, 10)).toBe("xxxxxxxxxx … [4990 more characters]");
  });

  it("tails keep the last items in order", () => {
    const t = createTail<number>(3);
    for (let i = 1; i <= 7; i++) t.push(i);
    expect(t.items()).toEqual([5, 6, 7]);
    const text = createTextTail(5);
    for (const c of ["abc", "defg", "hij"]) text.push(c);
    expect(text.text()).toBe("fghij");
  });
});

describe("task process output", () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), "weave-out-"))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("a 300 KB last line is capped in the tail; a 20 MB line before the result line does not hide the result", async () => {
    const result = read("claude-json-success.json").trim();
    await writeFile(join(dir, "out.mjs"), `
      process.stdout.write("\\u001b[32m" + "y".repeat(20 * 1024 * 1024) + "\\u001b[0m\\n");
      process.stdout.write(${JSON.stringify(result)} + "\\n");
      process.stderr.write("z".repeat(300 * 1024) + "\\n");
      process.exitCode = 1;
    `);
    const lines: string[] = [];
    const proc = startTaskProcess(`node ${JSON.stringify(join(dir, "out.mjs"))}`, { cwd: dir, env: process.env, onStdoutLine: (l) => lines.push(l) });
    const done = await proc.done;
    expect(done.exitCode).toBe(1);
    expect(done.tail.length).toBeLessThanOrEqual(TAIL_LINES);
    for (const l of done.tail) expect(l.length).toBeLessThanOrEqual(LINE_CAP + 40);
    expect(done.resultLine).toBe(result);
    expect(readCost("claude-json", lines.join("\n"))).toBeCloseTo(0.12, 9);
    // Everything a status could carry from this run is far below the App's 256 KiB body limit.
    expect(JSON.stringify({ tail: done.tail.slice(-20), result: capLine(done.resultLine!, LINE_CAP) }).length).toBeLessThan(16 * 1024);
  });
});
