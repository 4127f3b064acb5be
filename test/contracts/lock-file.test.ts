import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coordinatorLock, coordinatorLockContract, LOCK_FILE_VERSION, milestoneClaim, milestoneClaimContract } from "../../src/core/contracts/lock-file.js";
import { isWeaveError } from "../../src/core/errors.js";
import { acquireCoordinatorLock, claimMilestone, readLockHolder } from "../../src/local/locks.js";
import { errorOf, mainFile, mainJson } from "./contract-fixtures.js";

describe("lock file contracts", () => {
  it.each([
    ["coordinator lock", coordinatorLockContract, "coordinator.lock"],
    ["milestone claim", milestoneClaimContract, "claim.json"],
  ] as const)("reads the unversioned %s today's main wrote (migration 0 → 1)", (_name, contract, file) => {
    expect(contract.parseText(mainFile(file), file)).toEqual({ ...mainJson(file), version: LOCK_FILE_VERSION });
  });

  it("reads what the writers make", () => {
    const at = new Date("2026-12-02T08:00:00Z");
    expect(coordinatorLockContract.parse(coordinatorLock(12, at), "l")).toEqual({ version: 1, pid: 12, startedAt: at.toISOString() });
    expect(milestoneClaimContract.parse(milestoneClaim({ runId: "r", pid: 12 }, at), "c")).toEqual({ version: 1, runId: "r", pid: 12, at: at.toISOString() });
  });

  it.each([
    ["a pid that is text", { pid: "12" }, "pid: "],
    ["a fractional pid", { pid: 1.5 }, "pid: "],
    ["no start time", { startedAt: undefined }, "startedAt: "],
  ])("refuses a lock with %s, naming the field", (_name, patch, problem) => {
    expect(errorOf(() => coordinatorLockContract.parse({ ...mainJson("coordinator.lock"), ...patch }, "l")).message).toContain(`can read: ${problem}`);
  });

  it("refuses a newer version", () => {
    expect(errorOf(() => coordinatorLockContract.parse({ ...mainJson("coordinator.lock"), version: 2 }, "l")).code).toBe("contract-newer");
    expect(errorOf(() => milestoneClaimContract.parse({ ...mainJson("claim.json"), version: 2 }, "c")).code).toBe("contract-newer");
  });
});

describe("locks on disk", () => {
  const inDir = async (run: (dir: string) => Promise<void>): Promise<void> => {
    const dir = await mkdtemp(join(tmpdir(), "weave-contract-"));
    try {
      await run(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it("names the holder of today's main's lock; a garbage lock names nobody", () => inDir(async (dir) => {
    const lock = join(dir, "coordinator.lock");
    await writeFile(lock, mainFile("coordinator.lock"));
    expect(await readLockHolder(lock)).toMatchObject({ pid: mainJson("coordinator.lock").pid });
    for (const garbage of ["", "{", "[]", JSON.stringify({ pid: "x" })]) {
      await writeFile(lock, garbage);
      expect(await readLockHolder(lock)).toBeUndefined();
    }
  }));

  it("takes over today's main's lock of a dead holder, and writes its own stamped", () => inDir(async (dir) => {
    const lock = join(dir, "coordinator.lock");
    await writeFile(lock, JSON.stringify({ ...mainJson("coordinator.lock"), pid: 2 ** 22 + 7 }));
    const held = await acquireCoordinatorLock(lock);
    expect(JSON.parse(await readFile(lock, "utf8"))).toMatchObject({ version: LOCK_FILE_VERSION, pid: process.pid });
    await held.release();
  }));

  it("refuses a newer weave's lock instead of taking it over", () => inDir(async (dir) => {
    const lock = join(dir, "coordinator.lock");
    await writeFile(lock, JSON.stringify({ version: 2, pid: 2 ** 22 + 7, startedAt: "t" }));
    const e = await acquireCoordinatorLock(lock).then(() => undefined, (err: unknown) => err);
    expect(isWeaveError(e, "contract-newer")).toBe(true);
    expect(JSON.parse(await readFile(lock, "utf8"))).toMatchObject({ version: 2 });
  }));

  it("stamps a claim", () => inDir(async (dir) => {
    const claim = join(dir, "a.claim");
    expect(await claimMilestone(claim, { runId: "r", pid: 3 })).toBe(true);
    expect(milestoneClaimContract.parseText(await readFile(claim, "utf8"), claim)).toMatchObject({ version: LOCK_FILE_VERSION, runId: "r", pid: 3 });
  }));
});
