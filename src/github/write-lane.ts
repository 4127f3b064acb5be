/**
 * Write lanes: the App's own write group for @octokit/plugin-throttling (the plugin takes it as its `write` option).
 * Per installation, writes start one at a time, at least a second apart (GitHub's advice for mutating requests, which
 * the plugin's own group follows too), in arrival order — except a job's dispatch, marked with `urgently()`: it goes
 * ahead of every ordinary write still waiting, and it need not wait out the second after an ordinary write, up to
 * `jumpsPerMinute` (20) times a minute. So a dependent's dispatch never queues behind check-run or comment updates,
 * and an installation still makes at most 60 + 20 = 80 writes a minute, GitHub's documented ceiling for
 * content-creating requests, with dispatches themselves a second apart. Retries the plugin re-schedules
 * (priority 0) go ahead of ordinary writes, as they did in the plugin's Bottleneck group.
 * Not here: which requests are writes (the plugin decides, and calls `key(id).schedule` only for those); which call
 * is urgent (github/repo-client.ts marks the dispatch).
 * Invariants: two ordinary writes never start less than `minTimeMs` apart, nor two urgent ones; an ordinary write
 * never starts less than `minTimeMs` after any write; at most `jumpsPerMinute` urgent writes a minute skip that wait.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const urgent = new AsyncLocalStorage<true>();

/** Runs `request` with its writes marked urgent (they go ahead of waiting writes in the lane). */
export function urgently<T>(request: () => Promise<T>): Promise<T> {
  return urgent.run(true, request);
}

export interface LaneClock {
  now(): number;
  /** Calls `fn` after `ms` (the lane needs no cancelling). */
  after(ms: number, fn: () => void): void;
}

const REAL_CLOCK: LaneClock = { now: () => Date.now(), after: (ms, fn) => void setTimeout(fn, ms) };

export interface LaneOptions {
  minTimeMs?: number;
  jumpsPerMinute?: number;
  clock?: LaneClock;
}

type Kind = "urgent" | "retry" | "ordinary";

/** One installation's lane. */
export class WriteLane {
  private lastStart = Number.NEGATIVE_INFINITY;
  private lastUrgentStart = Number.NEGATIVE_INFINITY;
  /** When urgent writes skipped the wait after an ordinary one (the last minute's). */
  private readonly jumps: number[] = [];
  private readonly waiting: { kind: Kind; go: () => void }[] = [];
  private timerAt: number | undefined;
  private readonly minTimeMs: number;
  private readonly jumpsPerMinute: number;
  private readonly clock: LaneClock;

  constructor(options: LaneOptions = {}) {
    this.minTimeMs = options.minTimeMs ?? 1000;
    this.jumpsPerMinute = options.jumpsPerMinute ?? 20;
    this.clock = options.clock ?? REAL_CLOCK;
  }

  /** Bottleneck's `schedule(options, fn, ...args)`, as the plugin calls it: runs `fn` when it is this write's turn. */
  schedule<A extends unknown[], T>(options: { priority?: number } | undefined, fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> {
    const kind: Kind = urgent.getStore() === true ? "urgent" : options?.priority === 0 ? "retry" : "ordinary";
    return new Promise<void>((go) => {
      // Urgent writes go behind the urgent ones already waiting, retries behind urgent ones and retries.
      const rank = (k: Kind): number => (k === "urgent" ? 0 : k === "retry" ? 1 : 2);
      const at = this.waiting.findIndex((w) => rank(w.kind) > rank(kind));
      if (at === -1) this.waiting.push({ kind, go });
      else this.waiting.splice(at, 0, { kind, go });
      this.pump();
    }).then(() => fn(...args));
  }

  /** How many writes are waiting (tests). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    const next = this.waiting[0];
    if (!next) return;
    const now = this.clock.now();
    while (this.jumps.length > 0 && now - this.jumps[0]! >= 60_000) this.jumps.shift();
    const spaced = now - this.lastStart >= this.minTimeMs;
    // An urgent write may skip the wait after an ordinary write (a second after the last urgent one, within budget).
    const jump = !spaced && next.kind === "urgent" && now - this.lastUrgentStart >= this.minTimeMs && this.jumps.length < this.jumpsPerMinute;
    if (!spaced && !jump) {
      const at = next.kind === "urgent" && this.jumps.length < this.jumpsPerMinute ? Math.min(this.lastStart, this.lastUrgentStart) + this.minTimeMs : this.lastStart + this.minTimeMs;
      if (this.timerAt !== undefined && this.timerAt <= at) return;
      this.timerAt = at;
      this.clock.after(Math.max(0, at - now), () => {
        if (this.timerAt === at) this.timerAt = undefined;
        this.pump();
      });
      return;
    }
    if (jump) this.jumps.push(now);
    this.lastStart = now;
    if (next.kind === "urgent") this.lastUrgentStart = now;
    this.waiting.shift()!.go();
    this.pump();
  }
}

/** The `write` group the throttling plugin takes: a lane per key (the plugin keys by installation id). */
export class WriteLanes {
  private readonly lanes = new Map<string, WriteLane>();

  constructor(private readonly options: LaneOptions = {}) {}

  key(id = ""): WriteLane {
    let lane = this.lanes.get(id);
    if (!lane) this.lanes.set(id, (lane = new WriteLane(this.options)));
    return lane;
  }
}
