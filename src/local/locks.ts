/**
 * Locks: one coordinator per repository (a PID lock a dead holder loses) and one worker per milestone (a claim file).
 * Responsibilities: acquire/release with exclusive creation; take over a dead coordinator's lock; report the holder.
 * Not here: deciding who should run (local/coordinator.ts).
 * Invariants: a live holder is never displaced; release is safe to call twice.
 */
import { readFile, rm } from "node:fs/promises";
import { WeaveError } from "../core/errors.js";
import { createExclusive } from "./atomic-json.js";

async function remove(path: string): Promise<void> {
  try {
    await rm(path, { force: true });
  } catch (e) {
    throw new WeaveError("io-failed", `cannot remove the stale lock ${path}: ${(e as Error).message}`, { cause: e, hint: "remove it by hand, then run the command again" });
  }
}

export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface HeldLock {
  path: string;
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  startedAt: string;
}

export async function readLockHolder(path: string): Promise<LockContent | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockContent;
  } catch {
    return undefined;
  }
}

/** The coordinator lock; a lock left by a dead process is taken over. */
export async function acquireCoordinatorLock(path: string, pid = process.pid): Promise<HeldLock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, JSON.stringify({ pid, startedAt: new Date().toISOString() } satisfies LockContent))) {
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          const holder = await readLockHolder(path);
          if (holder?.pid === pid) await rm(path, { force: true });
        },
      };
    }
    const holder = await readLockHolder(path);
    if (holder && isProcessAlive(holder.pid) && holder.pid !== pid) {
      throw new WeaveError("already-running", `another weave coordinator (PID ${holder.pid}) is running in this repository`, {
        hint: "watch it with `weave status`, or stop it with `weave stop` first",
      });
    }
    await remove(path);
  }
  throw new WeaveError("already-running", `could not take the coordinator lock ${path}`, { hint: "run `weave doctor --fix`" });
}

/** One worker per milestone: false when another claim exists. */
export async function claimMilestone(path: string, owner: { runId: string; pid: number }): Promise<boolean> {
  return createExclusive(path, JSON.stringify({ ...owner, at: new Date().toISOString() }));
}

export async function releaseClaim(path: string): Promise<void> {
  await rm(path, { force: true });
}
