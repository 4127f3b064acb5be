/**
 * The local home's Store (ports/store.ts) of a run's record: `.weave/state.json`, read through its contract and
 * written by compare-and-swap, so the coordinator and a command run without one (`weave doctor --fix`, a control
 * command) can never both win a write.
 * Responsibilities: read (the contract's value, and a version: the content's hash); write (under a short write lock
 * `<file>.lock`: the file must still hold the expected version, then it is replaced atomically).
 * Not here: the record's shape and versions (core/contracts/run-state.ts); what a run writes and when
 * (local/state-store.ts); the lock (local/locks.ts) and the atomic rename (local/atomic-json.ts).
 * Invariants: a file the contract refuses (a newer weave's: `contract-newer`; not a run state: `contract-invalid`) is
 * never returned and never overwritten (its hash is no version a reader was given); nothing is written that does not
 * read back through the contract; readers never see half a file (rename), and need no lock.
 */
import { createHash } from "node:crypto";
import { runStateContract } from "../core/contracts/run-state.js";
import type { RunState } from "../core/contracts/run-state.js";
import type { Store, Stored } from "../ports/store.js";
import { readText, writeTextAtomic } from "./atomic-json.js";
import { withWriteLock } from "./locks.js";

/** The version of a state file's text: its hash (opaque to callers). */
const versionOf = (text: string): string => `sha256:${createHash("sha256").update(text).digest("hex")}`;

export function createStateFileStore(path: string): Store<RunState> {
  const read = async (): Promise<Stored<RunState> | undefined> => {
    const text = await readText(path);
    return text === undefined ? undefined : { value: runStateContract.parseText(text, path), version: versionOf(text) };
  };
  return {
    read,
    async write(expected, next) {
      const text = `${JSON.stringify(next, null, 2)}\n`;
      // What weave could not read back is never written (a bug, not a state to keep).
      const value = runStateContract.parseText(text, path);
      return withWriteLock(`${path}.lock`, async () => {
        const current = await readText(path);
        if ((current === undefined ? undefined : versionOf(current)) !== expected?.version) return undefined;
        await writeTextAtomic(path, text);
        return { value, version: versionOf(text) };
      });
    },
  };
}
