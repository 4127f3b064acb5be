/**
 * `weave doctor` with an unreadable `.weave/state.json` (torn, not a run state, a newer weave's): it lists it as a
 * finding with the contract error's code and hint and goes on with every other check; --fix moves a bad one aside
 * (never deletes it) and leaves a newer weave's alone. Real files, the real CLI.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAMOND, repoForTest } from "./local-fixtures.js";

const CASES = [
  { name: "torn", text: '{"version": 1, "runId": "r-1", "milest', code: "contract-invalid", movable: true },
  { name: "not a run state", text: '{"version": 1, "milestones": "all of them"}', code: "contract-invalid", movable: true },
  { name: "a newer weave's", text: '{"version": 99, "runId": "r-9"}', code: "contract-newer", movable: false },
] as const;

describe("weave doctor with an unreadable run state", () => {
  it.for(CASES)("$name: a finding with its code and hint, the other checks still run", async ({ text, code, movable }, test) => {
    const repo = await repoForTest(test, DIAMOND);
    await mkdir(join(repo.dir, ".weave/run"), { recursive: true });
    await writeFile(join(repo.dir, ".weave/state.json"), text);
    // Other leftovers the doctor must still find: a dead coordinator's lock, a merged branch of no milestone; and a
    // run file it must not judge without a state (a live worker's would look the same).
    await writeFile(join(repo.dir, ".weave/coordinator.lock"), JSON.stringify({ pid: 999_999, startedAt: new Date().toISOString() }));
    await writeFile(join(repo.dir, ".weave/run/api.claim"), "{}");
    repo.git("branch", "weave/old");

    const found = await repo.weave(["doctor"]);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stdout).toMatch(new RegExp(`\\.weave/state\\.json: .*state\\.json is .*\\[${code}\\]`));
    expect(found.stdout).toMatch(code === "contract-newer" ? /upgrade weave/ : /move the file away to start the run afresh/);
    expect(found.stdout).toMatch(/coordinator\.lock: held by PID 999999, which is not running/);
    expect(found.stdout).toMatch(/weave\/old: old is merged into main/);
    expect(found.stdout).not.toMatch(/api\.claim/);
    expect(found.stdout).toMatch(movable ? /--fix will move it aside to \.weave\/state\.json\.unreadable-/ : /left for you/);

    const fixed = await repo.weave(["doctor", "--fix"]);
    expect(existsSync(join(repo.dir, ".weave/coordinator.lock"))).toBe(false);
    expect(repo.git("branch", "--list", "weave/old")).toBe("");
    expect(existsSync(join(repo.dir, ".weave/run/api.claim"))).toBe(true);
    const aside = (await readdir(join(repo.dir, ".weave"))).filter((n) => n.startsWith("state.json.unreadable-"));
    if (movable) {
      expect(fixed.code, fixed.stdout).toBe(0);
      expect(existsSync(join(repo.dir, ".weave/state.json"))).toBe(false);
      expect(aside).toHaveLength(1);
      expect(await readFile(join(repo.dir, ".weave", aside[0]!), "utf8")).toBe(text);
      // With the state aside the claim is judged again: no run owns it.
      const again = await repo.weave(["doctor"]);
      expect(again.stdout).toMatch(/api\.claim left for api, which is not in the current run/);
    } else {
      expect(fixed.code, fixed.stdout).toBe(1);
      expect(fixed.stdout).toMatch(/\.weave\/state\.json: .*\[contract-newer\]/);
      expect(await readFile(join(repo.dir, ".weave/state.json"), "utf8")).toBe(text);
      expect(aside).toEqual([]);
    }
  });
});
