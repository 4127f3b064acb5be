/**
 * Locks: one coordinator per repository (a PID lock a dead holder loses), one worker per milestone (a claim file),
 * and short write locks (a file's compare-and-swap: local/state-file-store.ts).
 * Responsibilities: acquire/release with exclusive creation; take over a dead holder's lock; report the holder; wait
 * for a write lock a live process holds.
 * Not here: deciding who should run (local/coordinator.ts); the files' content and versions
 * (core/contracts/lock-file.ts).
 * Invariants: a live holder is never displaced; of processes racing for a dead holder's lock exactly one wins; release
 * is safe to call twice; a lock file that fails its contract names no holder (it is taken over like a dead one),
 * except one of a newer weave, which is refused (WeaveError `contract-newer`: use that weave); a lock file appears
 * with its content (local/atomic-json.ts `createExclusive`), so a reader never takes a lock being made for a free one.
 */
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { coordinatorLock, coordinatorLockContract, milestoneClaim } from "../core/contracts/lock-file.js";
import type { CoordinatorLock } from "../core/contracts/lock-file.js";
import { isWeaveError, WeaveError } from "../core/errors.js";
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

type LockContent = CoordinatorLock;

/** Who holds the lock: undefined when nobody does or the file names nobody (torn, empty, foreign). */
export async function readLockHolder(path: string): Promise<LockContent | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return coordinatorLockContract.parseText(text, path);
  } catch (e) {
    if (isWeaveError(e, "contract-newer")) throw e;
    return undefined;
  }
}

/**
 * The coordinator lock; a lock left by a dead process is taken over atomically: only the process that creates the
 * takeover guard named after the dead holder (`<lock>.takeover-<pid>`, exclusive create) may replace the lock, and it
 * replaces it by rename only while the lock still names that dead holder. A guard whose own holder died is taken
 * over the same way, one level up.
 */
export async function acquireCoordinatorLock(path: string, pid = process.pid): Promise<HeldLock> {
  const me: LockContent = coordinatorLock(pid, new Date());
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createExclusive(path, JSON.stringify(me))) return ownLock(path, me);
    const holder = await readSettledHolder(path);
    if (holder && holder.pid === pid) return ownLock(path, holder);
    if (holder && isProcessAlive(holder.pid)) throw alreadyRunning(holder.pid);
    if (await takeOver(path, holder ?? UNREADABLE, me, 0)) return ownLock(path, me);
    await sleep(20 + Math.floor(Math.random() * 30));
  }
  throw new WeaveError("already-running", `could not take the coordinator lock ${path}`, { hint: "run `weave doctor --fix`" });
}

const UNREADABLE: LockContent = coordinatorLock(0, new Date(0));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alreadyRunning(pid: number): WeaveError {
  return new WeaveError("already-running", `another weave coordinator (PID ${pid}) is running in this repository`, {
    hint: "watch it with `weave status`, or stop it with `weave stop` first",
  });
}

/** The holder, reading again for a moment when the file is empty or torn (a creator may be writing it right now). */
async function readSettledHolder(path: string): Promise<LockContent | undefined> {
  for (let i = 0; i < 5; i++) {
    const holder = await readLockHolder(path);
    if (holder || !existsSync(path)) return holder;
    await sleep(20);
  }
  return undefined;
}

function sameHolder(a: LockContent | undefined, b: LockContent): boolean {
  return b === UNREADABLE ? a === undefined : a?.pid === b.pid && a.startedAt === b.startedAt;
}

/** Replaces the lock at `path` held by the dead `dead` with `me`; false when another process is doing it or did. */
async function takeOver(path: string, dead: LockContent, me: LockContent, depth: number): Promise<boolean> {
  const guard = `${path}.takeover-${dead.pid}`;
  if (!(await createExclusive(guard, JSON.stringify(me)))) {
    const guardHolder = await readSettledHolder(guard);
    if (depth >= 3 || (guardHolder && (guardHolder.pid === me.pid || isProcessAlive(guardHolder.pid)))) return false;
    if (!existsSync(guard) || !(await takeOver(guard, guardHolder ?? UNREADABLE, me, depth + 1))) return false;
  }
  try {
    if (!sameHolder(await readLockHolder(path), dead)) return false;
    await replaceFile(path, JSON.stringify(me));
    return true;
  } finally {
    await remove(guard);
  }
}

async function replaceFile(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new WeaveError("io-failed", `cannot write the lock ${path}: ${(e as Error).message}`, { cause: e, hint: "check that .weave/ is writable" });
  }
}

/** How long a write lock is waited for while a live process holds it (held for one read and one rename). */
const WRITE_LOCK_WAIT_MS = 30_000;
/** Write locks of this process, by path: its own writers queue here (a file lock names a process, not a caller). */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding the write lock at `path`: one writer at a time, in this process (queued) and across processes
 * (the lock file, waited for while its holder lives, taken over atomically when it died). Released whatever `fn` does.
 */
export async function withWriteLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(path) ?? Promise.resolve();
  const run = before.then(async () => {
    const held = await acquireWriteLock(path);
    try {
      return await fn();
    } finally {
      await held.release();
    }
  });
  const settled = run.then(() => undefined, () => undefined);
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return run;
}

async function acquireWriteLock(path: string): Promise<HeldLock> {
  const me = coordinatorLock(process.pid, new Date());
  const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    if (await createExclusive(path, JSON.stringify(me))) return ownLock(path, me);
    const holder = await readLockHolder(path);
    // This process's own lock is never held across calls (they queue): one left here is from a writer that died.
    const live = holder !== undefined && holder.pid !== me.pid && isProcessAlive(holder.pid);
    if (!live && existsSync(path) && (await takeOver(path, holder ?? UNREADABLE, me, 0))) return ownLock(path, me);
    if (Date.now() > deadline) {
      throw new WeaveError("already-running", `the write lock ${path} is held by PID ${holder?.pid ?? "?"} for more than ${WRITE_LOCK_WAIT_MS / 1000} s`, { hint: "if that process is stuck, end it (or remove the lock by hand), then run the command again" });
    }
    await sleep(wait + Math.floor(Math.random() * wait));
  }
}

/** A lock released only while it still holds `me` (a takeover by another process after a pause is not undone). */
function ownLock(path: string, me: LockContent): HeldLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      if (sameHolder(await readLockHolder(path), me)) await rm(path, { force: true });
    },
  };
}

/** One worker per milestone: false when another claim exists. */
export async function claimMilestone(path: string, owner: { runId: string; pid: number }): Promise<boolean> {
  return createExclusive(path, JSON.stringify(milestoneClaim(owner, new Date())));
}

export async function releaseClaim(path: string): Promise<void> {
  await rm(path, { force: true });
}
