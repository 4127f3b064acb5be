/** The command line as a newcomer meets it: per-command help, did-you-mean, clear messages for bad values (issue 16). */
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { BIN } from "../local/local-fixtures.js";

function weave(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => execFile(process.execPath, [BIN, ...args], { cwd: tmpdir() }, (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr })));
}

describe.concurrent("weave's command line", () => {
  it.each([
    [["plan", "--help"], /Usage: weave plan[\s\S]*check[\s\S]*simulate/],
    [["start", "--help"], /Usage: weave start[\s\S]*--workers <n>[\s\S]*--budget <usd>/],
    [["plan", "check", "--help"], /--json/],
    [["merge", "--help"], /--force/],
  ])("%j prints that command's help, exit 0", async (args, text) => {
    const run = await weave(...args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(text);
  });

  it.each([
    [["plan", "check", "--jsn"], /unknown option '--jsn'/, /did you mean --json\?/],
    [["plan", "chek"], /unknown command 'chek'/, /did you mean check\?/],
    [["strat"], /unknown command 'strat'/, /did you mean start\?/],
    [["plan", "bogus"], /unknown command 'bogus'/, /weave plan --help/],
    [["start", "--budget", "-3"], /--budget <usd>' argument '-3' is invalid\. Must be a positive amount of USD/, /weave start --help/],
    [["start", "--workers", "0"], /Must be a whole number from 1 to 64/, /weave start --help/],
    [["plan", "graph", "--format", "png"], /Allowed choices are mermaid, dot/, /weave plan graph --help/],
    [["cleanup", "--older-than", "soon"], /Must be a duration/, /cleanup --help/],
    [["plan"], /`weave plan` needs a subcommand: check, graph, eligible, simulate/, /weave plan --help/],
  ])("%j is a usage error (exit 2) that says what is wrong and what to do", async (args, message, hint) => {
    const run = await weave(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(hint);
    expect(run.stdout).toBe("");
  });
});
