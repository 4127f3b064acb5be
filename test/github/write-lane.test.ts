// The App's write lane (src/github/write-lane.ts), on a hand-driven clock: when each write starts.
import { describe, expect, it } from "vitest";
import type { LaneClock, LaneOptions } from "../../src/github/write-lane.js";
import { urgently, WriteLane } from "../../src/github/write-lane.js";

/** A clock that moves only when told; timers fire in time order. */
function manualClock(): LaneClock & { run(until: number): Promise<void> } {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    after(ms, fn) {
      timers.push({ at: now + ms, fn });
    },
    async run(until) {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.fn();
      }
      now = until;
      await new Promise((r) => setImmediate(r));
    },
  };
}

type Write = { at: number; name: string; kind?: "urgent" | "retry" };

/** Schedules each write at its time; returns when each one started, by name. */
async function starts(writes: Write[], options: Omit<LaneOptions, "clock"> = {}): Promise<Record<string, number>> {
  const clock = manualClock();
  const lane = new WriteLane({ ...options, clock });
  const started: Record<string, number> = {};
  const done: Promise<unknown>[] = [];
  for (const w of [...writes].sort((a, b) => a.at - b.at)) {
    await clock.run(w.at);
    const job = (): Promise<void> => lane.schedule(w.kind === "retry" ? { priority: 0 } : {}, () => void (started[w.name] = clock.now()));
    done.push(w.kind === "urgent" ? urgently(job) : job());
  }
  await clock.run(200_000);
  await Promise.all(done);
  return started;
}

describe("write lane", () => {
  it.each<[string, Write[], Record<string, number>, Omit<LaneOptions, "clock">?]>([
    ["ordinary writes go a second apart, in order", [{ at: 0, name: "a" }, { at: 0, name: "b" }, { at: 10, name: "c" }], { a: 0, b: 1000, c: 2000 }],
    ["a dispatch goes at once after an ordinary write, and the next ordinary one waits a second after it", [{ at: 0, name: "check" }, { at: 0, name: "comment" }, { at: 300, name: "dispatch", kind: "urgent" }], { check: 0, dispatch: 300, comment: 1300 }],
    ["dispatches stay a second apart from each other", [{ at: 0, name: "d1", kind: "urgent" }, { at: 100, name: "d2", kind: "urgent" }, { at: 100, name: "o" }], { d1: 0, d2: 1000, o: 2000 }],
    ["a dispatch behind a dispatch and an ordinary write: the second dispatch a second after the first", [{ at: 0, name: "o1" }, { at: 200, name: "d1", kind: "urgent" }, { at: 400, name: "d2", kind: "urgent" }], { o1: 0, d1: 200, d2: 1200 }],
    ["past the minute's budget a dispatch waits out the second, still ahead of ordinary writes", [{ at: 0, name: "o1" }, { at: 300, name: "d1", kind: "urgent" }, { at: 1300, name: "o2" }, { at: 1400, name: "o3" }, { at: 2400, name: "d2", kind: "urgent" }], { o1: 0, d1: 300, o2: 1300, o3: 2300, d2: 3300 }, { jumpsPerMinute: 1 }],
    ["the budget comes back after a minute", [{ at: 0, name: "o1" }, { at: 300, name: "d1", kind: "urgent" }, { at: 70_000, name: "o2" }, { at: 70_100, name: "d2", kind: "urgent" }], { o1: 0, d1: 300, o2: 70_000, d2: 70_100 }, { jumpsPerMinute: 1 }],
    ["a retry goes ahead of waiting ordinary writes but waits out the second", [{ at: 0, name: "o1" }, { at: 0, name: "o2" }, { at: 300, name: "retry", kind: "retry" }], { o1: 0, retry: 1000, o2: 2000 }],
  ])("%s", async (_name, writes, expected, options) => {
    expect(await starts(writes, options)).toEqual(expected);
  });
});
