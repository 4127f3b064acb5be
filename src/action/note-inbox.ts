/**
 * Note inbox: the `/weave tell` notes a worker job hears of while it runs — in the App's heartbeat replies, or in the
 * ledger it re-reads in the Actions home — held until its next task takes them, each given once.
 * Responsibilities: receive notes by id (a note heard again, or already taken, is ignored), hand over every waiting
 * note at once, and name the newest taken ids for reports to acknowledge.
 * Not here: where notes come from (action/https-reporter.ts, action/ledger-reporter.ts), giving them to the agent
 * (worker/worker-loop.ts), the local CLI's notes file (worker/notes-box.ts).
 * Invariants: a note is taken at most once; its text is one line (whitespace runs become one space); `seen()` lists
 * at most NOTES_SEEN_SENT ids, the newest.
 */

/** The newest taken note ids a report acknowledges (the App's body schema takes at most 200; older ones it dropped). */
export const NOTES_SEEN_SENT = 100;

export interface NoteInbox {
  receive(notes: Iterable<{ id: string; text: string }>): void;
  /** Every note received and not taken yet, oldest first, one per line; undefined when none waits. */
  take(): string | undefined;
  /** Ids of the notes taken so far (the newest NOTES_SEEN_SENT). */
  seen(): string[];
  /** How many notes have been taken (a report worth sending again when it grows). */
  readonly takenCount: number;
}

export function createNoteInbox(): NoteInbox {
  const waiting = new Map<string, string>();
  const taken = new Set<string>();
  return {
    receive(notes) {
      for (const note of notes) if (!taken.has(note.id) && !waiting.has(note.id)) waiting.set(note.id, note.text.replace(/\s+/g, " ").trim());
    },
    take() {
      if (waiting.size === 0) return undefined;
      const texts = [...waiting.values()];
      for (const id of waiting.keys()) taken.add(id);
      waiting.clear();
      return texts.join("\n");
    },
    seen: () => [...taken].slice(-NOTES_SEEN_SENT),
    get takenCount() {
      return taken.size;
    },
  };
}
