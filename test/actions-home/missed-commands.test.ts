// The tick's catch-up of /weave comments whose own coordinator run never came, as tables (pure).
import { describe, expect, it } from "vitest";
import { COMMAND_GRACE_MS, CLOCK_OVERLAP_MS, FIRST_LOOK_MS, HANDLED_KEPT, holdsCommand, lookFrom, markHandled, newCursor, pickMissed, wasHandled } from "../../src/actions-home/missed-commands.js";
import type { CommandCursor, ListedComment } from "../../src/actions-home/missed-commands.js";

const NOW = new Date("2026-12-03T12:00:00Z");
const ago = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const comment = (id: number, minutesAgo: number, over: Partial<ListedComment> = {}): ListedComment => ({ id, issueNumber: 7, body: "/weave start", login: "alice", isBot: false, createdAt: ago(minutesAgo), plusOnes: 0, ...over });
const cursor = (checkedMinutesAgo: number, handled: number[] = [], keptMinutesAgo = 24 * 60): CommandCursor => ({ checkedUntil: ago(checkedMinutesAgo), handled, keptSince: ago(keptMinutesAgo) });

describe("holdsCommand", () => {
  it.each([
    ["/weave start", false, true],
    ["please\n/weave pause data", false, true],
    ["we could /weave start later", false, false],
    ["`/weave start`", false, false],
    ["/weave start", true, false],
    ["lgtm", false, false],
  ])("%j by a bot: %s → %s", (body, isBot, expected) => expect(holdsCommand({ body, isBot })).toBe(expected));
});

describe("pickMissed", () => {
  const cases: { name: string; comments: ListedComment[]; cursor?: CommandCursor; complete?: boolean; missed: number[] }[] = [
    { name: "an unmarked command older than the grace is missed", comments: [comment(1, 10)], cursor: cursor(60), missed: [1] },
    { name: "one younger than the grace may still get its own run", comments: [comment(1, COMMAND_GRACE_MS / 60_000 - 1)], cursor: cursor(60), missed: [] },
    { name: "a marked one was carried out", comments: [comment(1, 10)], cursor: cursor(60, [1]), missed: [] },
    { name: "a comment that is not a command, or a bot's, is left", comments: [comment(1, 10, { body: "thanks" }), comment(2, 10, { isBot: true })], cursor: cursor(60), missed: [] },
    { name: "before the cursor less the overlap: looked at already (an edit lists it again)", comments: [comment(1, 60 + CLOCK_OVERLAP_MS / 60_000 + 1)], cursor: cursor(60), missed: [] },
    { name: "within the overlap before the cursor: looked at again", comments: [comment(1, 62)], cursor: cursor(60), missed: [1] },
    { name: "oldest first, whatever the listing's order", comments: [comment(3, 5), comment(2, 20), comment(1, 20)], cursor: cursor(60), missed: [1, 2, 3] },
    { name: "no cursor: the last hour, a reacted comment counted as taken by a weave from before", comments: [comment(1, 30, { plusOnes: 1 }), comment(2, 30), comment(3, FIRST_LOOK_MS / 60_000 + 1)], missed: [2] },
    { name: "from before the ledger kept records, a reaction counts; after, only the marks", comments: [comment(1, 50, { plusOnes: 1 }), comment(2, 20, { plusOnes: 1 })], cursor: cursor(60, [], 40), missed: [2] },
    { name: "a listing cut at its page limit is looked at up to its newest comment only", comments: [comment(1, 30), comment(2, 20)], cursor: cursor(60), complete: false, missed: [1, 2] },
  ];
  it.each(cases)("$name", ({ comments, cursor: c, complete, missed }) => {
    expect(pickMissed(comments, c, NOW, complete).missed.map((m) => m.id)).toEqual(missed);
  });

  it("moves the cursor to now less the grace, never back, and only to the newest listed when the listing was cut", () => {
    expect(pickMissed([], cursor(60), NOW).checkedUntil).toBe(new Date(NOW.getTime() - COMMAND_GRACE_MS).toISOString());
    expect(pickMissed([], cursor(-5), NOW).checkedUntil).toBe(ago(-5));
    expect(pickMissed([comment(1, 30), comment(2, 20)], cursor(60), NOW, false).checkedUntil).toBe(ago(20));
  });
});

describe("the cursor", () => {
  it("lists from the cursor less the overlap, or the last hour without one", () => {
    expect(lookFrom(cursor(60), NOW).toISOString()).toBe(ago(60 + CLOCK_OVERLAP_MS / 60_000));
    expect(lookFrom(undefined, NOW).toISOString()).toBe(ago(FIRST_LOOK_MS / 60_000));
  });

  it("marks a comment once, keeps the newest HANDLED_KEPT, and is born looking back an hour", () => {
    const born = markHandled(undefined, 5, NOW);
    expect(born).toEqual({ ...newCursor(NOW), handled: [5] });
    expect(born.keptSince).toBe(NOW.toISOString());
    expect(markHandled(born, 5, NOW).handled).toEqual([5]);
    expect(wasHandled(born, 5)).toBe(true);
    expect(wasHandled(born, 6)).toBe(false);
    expect(wasHandled(undefined, 5)).toBe(false);
    let c: CommandCursor = born;
    for (let id = 100; id < 100 + HANDLED_KEPT + 10; id++) c = markHandled(c, id, NOW);
    expect(c.handled).toHaveLength(HANDLED_KEPT);
    expect(c.handled.at(-1)).toBe(100 + HANDLED_KEPT + 9);
    expect(markHandled(c, undefined, NOW, ago(1)).checkedUntil).toBe(ago(1));
  });
});
