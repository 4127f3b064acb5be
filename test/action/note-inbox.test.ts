import { describe, expect, it } from "vitest";
import { createNoteInbox, NOTES_SEEN_SENT } from "../../src/action/note-inbox.js";

describe("note inbox", () => {
  it("gives each note once, oldest first, as one line each, and names the taken ones", () => {
    const inbox = createNoteInbox();
    expect(inbox.take()).toBeUndefined();
    inbox.receive([{ id: "a", text: "use the\n  v2 client" }, { id: "b", text: "skip docs" }]);
    inbox.receive([{ id: "a", text: "use the v2 client" }]); // heard again before it was taken
    expect(inbox.take()).toBe("use the v2 client\nskip docs");
    inbox.receive([{ id: "b", text: "skip docs" }, { id: "c", text: "then tests" }]); // b heard again after it was taken
    expect(inbox.take()).toBe("then tests");
    expect(inbox.take()).toBeUndefined();
    expect(inbox.seen()).toEqual(["a", "b", "c"]);
    expect(inbox.takenCount).toBe(3);
  });

  it("acknowledges at most the newest NOTES_SEEN_SENT ids", () => {
    const inbox = createNoteInbox();
    inbox.receive(Array.from({ length: NOTES_SEEN_SENT + 5 }, (_, i) => ({ id: `n${i}`, text: `note ${i}` })));
    inbox.take();
    expect(inbox.seen()).toHaveLength(NOTES_SEEN_SENT);
    expect(inbox.seen()[0]).toBe("n5");
  });
});
