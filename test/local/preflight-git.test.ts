/** Preflight refuses to spend agent money when git cannot commit: no identity, or a git too old (issue 16, must-fix 4). */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitVersionOk, parseGitVersion } from "../../src/local/git-requirements.js";
import { BIN, planYaml, repoForTest } from "./local-fixtures.js";

describe("git version", () => {
  it.each([
    ["git version 2.39.5", [2, 39], true],
    ["git version 2.38.0", [2, 38], true],
    ["git version 2.37.9", [2, 37], false],
    ["git version 1.9.1", [1, 9], false],
    ["git version 3.0.0", [3, 0], true],
    ["git version 2.45.1.windows.1", [2, 45], true],
  ] as const)("%s", (out, parsed, ok) => {
    expect(parseGitVersion(out)).toEqual(parsed);
    expect(gitVersionOk(parsed)).toBe(ok);
  });
});

describe("git identity", () => {
  it("weave start without user.email stops before any agent runs, with the command that fixes it", async (t) => {
    const repo = await repoForTest(t, planYaml("  - { id: one, tasks: [work] }\n"));
    repo.git("config", "--unset", "user.email");
    repo.git("config", "--unset", "user.name");
    const home = await mkdtemp(join(tmpdir(), "weave-home-"));
    t.onTestFinished(() => rm(home, { recursive: true, force: true }));
    const log = join(repo.dir, "agent.log");
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: "1", EMAIL: "", AGENT_LOG: log };
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [BIN, "start"], { cwd: repo.dir, env }, (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr }));
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("no identity to commit with");
    expect(run.stderr).toContain("git config --global user.email");
    await expect(readFile(log, "utf8")).rejects.toThrow();
  });
});
