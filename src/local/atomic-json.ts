/**
 * Atomic JSON files: write to a temp file in the same directory, then rename, so readers never see half a file.
 * Responsibilities: atomic write, read through a contract (core/contracts/versioned.ts), exclusive create (for
 * claims and locks: the content is written to a temp file first and hard-linked into place, so the file appears
 * whole), clear disk errors.
 * Not here: what the files mean and their versions (core/contracts/), who reads which (state-file-store.ts,
 * file-reporter.ts, locks.ts).
 * Invariants: a failed write leaves the previous content intact and throws WeaveError("io-failed") naming the path;
 * nothing is read without a contract, so a file is either what its contract says or a WeaveError naming the path; a
 * file made by `createExclusive` is never seen empty or half written (a reader sees no file, or all of it).
 */
import { link, mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Contract } from "../core/contracts/versioned.js";
import { WeaveError } from "../core/errors.js";

let counter = 0;

function ioError(action: string, path: string, e: unknown): WeaveError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "ENOSPC" ? "the disk is full" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "the file system is read-only"
    : code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way where weave needs a directory (is .weave, or a folder inside it, a file?)" : (e as Error).message;
  return new WeaveError("io-failed", `cannot ${action} ${path}: ${why}`, {
    cause: e,
    hint: code === "ENOSPC" ? "free some disk space, then run the command again (nothing finished was lost)"
      : code === "EEXIST" || code === "ENOTDIR" ? "move that file away: weave keeps its run files in the .weave/ directory" : "check that .weave/ is writable",
  });
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** `text` in place of the file at `path`, by temp file and rename: readers see the old content or the new, whole. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const temp = tempPath(path);
  await ensureDir(dirname(path));
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw ioError("write", path, e);
  }
}

/**
 * The file as its contract reads it (migrated to the current version), or undefined when it does not exist; content
 * the contract refuses throws its WeaveError (`contract-invalid`, `contract-newer`) naming the path.
 */
export async function readContractFile<T>(path: string, contract: Contract<T>): Promise<T | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : contract.parseText(text, path);
}

/**
 * Like readContractFile, for files that are claims rather than records (a worker's status, a signal): content the
 * contract refuses (torn, foreign, garbage, a newer weave's) reads as no file; disk errors still throw.
 */
export async function readContractFileOrNothing<T>(path: string, contract: Contract<T>): Promise<T | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const parsed = contract.check(tryJson(text), path);
  return parsed.ok ? parsed.value : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const tempPath = (path: string): string => `${path}.${process.pid}.${++counter}.tmp`;

/** The file's text, or undefined when it does not exist; other disk errors throw WeaveError("io-failed"). */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError("read", path, e);
  }
}

/** Creates a directory (and its parents), with an error that names the path when something is in the way. */
export async function ensureDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (e) {
    throw ioError("create the directory", path, e);
  }
}

/**
 * Creates the file only if it does not exist; false when it already does. The content goes to a temp file first,
 * which is then hard-linked to `path` (a link, like `open(…, "wx")`, fails when the name exists): the file appears
 * with all its content, so a reader racing the creation never finds it empty (`open` + write left that moment open,
 * and a coordinator lock read then named no holder). Where the file system has no hard links, `open(…, "wx")`.
 */
export async function createExclusive(path: string, content: string): Promise<boolean> {
  await ensureDir(dirname(path));
  const temp = tempPath(path);
  try {
    await writeFile(temp, content);
    await link(temp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") return createByOpen(path, content);
    throw ioError("create", path, e);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

async function createByOpen(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw ioError("create", path, e);
  }
}
