/** Outside a git repository, and in one with no commit, weave says the real problem (issue 16, should-fix). */
import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../local/local-fixtures.js";

const run = (cwd: string, ...args: string[]): Promise<{ code: number; stderr: string }> =>
  new Promise((done) => execFile(process.execPath, [BIN, ...args], { cwd }, (e, _out, stderr) => done({ code: e ? Number(e.code) : 0, stderr })));

describe("weave outside a usable repository", () => {
  it("status outside git says so (not `weave init`, which would fail there too)", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "weave-norepo-"));
    t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const status = await run(dir, "status");
    expect(status.stderr).toContain("is not inside a git repository");
    expect(status.stderr).not.toContain("weave init");
  });

  it("start in a repository with no commit says to commit first", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "weave-empty-"));
    t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    execFileSync("git", ["init", "-q", "-b", "trunk"], { cwd: dir });
    await mkdir(join(dir, ".github"));
    await writeFile(join(dir, ".github/weave.yml"), "version: 1\nworker: { command: x }\nmilestones:\n  - { id: a, tasks: [t] }\n");
    const start = await run(dir, "start");
    expect(start.code).toBe(1);
    expect(start.stderr).toContain("no commits yet");
    expect(start.stderr).toContain("git commit");
  });
});
