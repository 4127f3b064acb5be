/**
 * Clock port: what time it is and how to wait, so the loop's judgements (heartbeat ages, comment spacing, backoff)
 * are made against one injectable clock instead of `Date.now()` scattered through the homes.
 * Implementations: `systemClock` here; tests pass their own.
 * Not here: timers that keep a process alive (each home owns its own, unref'd).
 * Invariants: `now()` is the only source of "now" for decisions; `sleep` resolves, never rejects.
 */

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
