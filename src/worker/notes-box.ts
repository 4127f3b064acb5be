/**
 * Notes box: instructions people send a running milestone (`weave tell <ID> <text>`), kept in a file next to the
 * worker's cost file until the worker takes them with its next task.
 * Responsibilities: append a note (one per line, a timestamp first), take all notes at once (rename, read, delete),
 * so a note sent while the worker reads lands in the next task, never in none or in two.
 * Not here: passing them to the agent ($WEAVE_NOTES, the task text) or recording them (worker-loop.ts, checkpoint.ts).
 * Invariants: a note is one line (newlines become spaces) of at most NOTE_CAP characters.
 */
import { appendFile, readFile, rename, unlink } from "node:fs/promises";

export const NOTE_CAP = 2000;

/** Where the notes of the worker whose cost file is `costFile` are kept. */
export function notesFileOf(costFile: string): string {
  return `${costFile}.notes`;
}

export async function appendNote(file: string, text: string, now: Date = new Date()): Promise<string> {
  const line = text.replace(/\s+/g, " ").trim().slice(0, NOTE_CAP);
  await appendFile(file, `${now.toISOString()} ${line}\n`);
  return line;
}

/** Every note sent since the last take, oldest first, without timestamps; undefined when there are none. */
export async function takeNotes(file: string): Promise<string | undefined> {
  const taking = `${file}.taking-${process.pid}`;
  try {
    await rename(file, taking);
  } catch {
    return undefined;
  }
  const text = await readFile(taking, "utf8").catch(() => "");
  await unlink(taking).catch(() => undefined);
  const notes = text.split("\n").filter(Boolean).map((l) => l.replace(/^\S+ /, ""));
  return notes.length > 0 ? notes.join("\n") : undefined;
}
