/**
 * Coordinator lock takeover is atomic (issue 16, must-fix 7): processes racing for a dead coordinator's lock, started
 * at the same instant, never both win. Real processes, the built module.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./local-fixtures.js";

const LOCKS = pathToFileURL(join(ROOT, "dist/src/local/locks.js")).href;
const RACER = `
const { acquireCoordinatorLock } = await import(process.argv[1]);
const at = Number(process.argv[3]);
while (Date.now() < at) {}
try {
  await acquireCoordinatorLock(process.argv[2]);
  console.log("won");
  await new Promise((r) => setTimeout(r, 800));
} catch (e) {
  console.log("lost " + e.code);
}
`;

function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

describe("coordinator lock takeover", () => {
  it("of 6 processes racing for a dead holder's lock, exactly one wins, round after round", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "weave-lock-"));
    t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    for (let round = 0; round < 4; round++) {
      const lock = join(dir, `coordinator-${round}.lock`);
      await writeFile(lock, JSON.stringify({ pid: deadPid(), startedAt: "2026-01-01T00:00:00.000Z" }));
      const at = Date.now() + 700;
      const results = await Promise.all(Array.from({ length: 6 }, () => new Promise<string>((done) => {
        execFile(process.execPath, ["--input-type=module", "-e", RACER, LOCKS, lock, String(at)], (e, stdout, stderr) => done(e ? `error ${stderr}` : stdout.trim()));
      })));
      expect(results.filter((r) => r === "won"), `round ${round}: ${results.join(", ")}`).toHaveLength(1);
      expect(results.filter((r) => r === "lost already-running")).toHaveLength(5);
    }
  });
});
