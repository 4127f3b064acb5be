/**
 * Worker pool: warm worker processes (`weave __worker --pool`) that take the coordinator's milestones one after
 * another over IPC, so a milestone no longer pays a Node start-up and the worker's imports.
 * Responsibilities: start members ahead of need (detached: their own process group, outliving the coordinator), hand
 * a milestone to an idle member, say when that milestone's worker is done or its process died, keep no more idle
 * members than there are worker slots, and let every member go on close.
 * Not here: worktrees and claims (local/run-actions.ts), the member's side (local/pool-worker-main.ts), liveness of a
 * worker adopted after a coordinator crash (local/run-context.ts reads its PID).
 * Invariants: a member runs one milestone at a time and gets the next only after its `done` (its final status file is
 * written by then); closing never kills a member: a busy one finishes its milestone and exits, an idle one exits now.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { WeaveError } from "../core/errors.js";
import type { RunMilestone } from "./worker-pool-protocol.js";
import { FromWorker } from "./worker-pool-protocol.js";

export interface PooledRun {
  /** The member's PID: the milestone's worker PID, as its status file says. */
  pid: number;
  /** Resolves when the member said `done` for this milestone, or its process ended. */
  exited: Promise<void>;
}

export interface WorkerPool {
  /** Starts members until at least `count` are idle or starting (call it before slow work, to overlap their start-up). */
  warm(count: number): void;
  run(milestone: Omit<RunMilestone, "kind">): Promise<PooledRun>;
  /** Disconnects from every member; busy ones finish their milestone first. Safe to call twice. */
  close(): void;
}

export interface WorkerPoolOptions {
  weaveBin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where members' own stdout/stderr go (a milestone's output goes to its own log). */
  logPath: string;
  /** Idle members kept at most (the run's worker slots). */
  size: number;
  /** Test seam: the command line of a member (default: `node <weaveBin> __worker --pool`). */
  argv?: string[];
}

interface Member {
  child: ChildProcess;
  ready: Promise<boolean>;
  isReady: boolean;
  busy: boolean;
  /** Said it takes no further milestone (stopped by a signal), or the pool let it go. */
  retiring: boolean;
  gone: boolean;
  current?: { milestone: string; settle: () => void };
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const members = new Set<Member>();
  let closed = false;

  const idle = (): Member[] => [...members].filter((m) => !m.busy && !m.retiring && !m.gone);

  function retire(member: Member): void {
    member.retiring = true;
    if (member.child.connected) member.child.disconnect();
  }

  function start(): Member {
    const out = openSync(options.logPath, "a");
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, options.argv ?? [options.weaveBin, "__worker", "--pool"], {
        cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", out, out, "ipc"], serialization: "json",
      });
    } finally {
      closeSync(out);
    }
    child.unref();
    let markReady: (ok: boolean) => void = () => undefined;
    const member: Member = { child, ready: new Promise<boolean>((r) => (markReady = r)), isReady: false, busy: false, retiring: false, gone: false };
    members.add(member);
    const end = (): void => {
      if (member.gone) return;
      member.gone = true;
      members.delete(member);
      markReady(false);
      member.current?.settle();
      member.current = undefined;
    };
    child.on("exit", end);
    child.on("error", end);
    child.on("disconnect", () => {
      // A member without a channel can never be handed work again; it exits once its milestone (if any) is done.
      member.retiring = true;
      if (!member.busy) end();
    });
    child.on("message", (raw: unknown) => {
      const message = FromWorker.safeParse(raw);
      if (!message.success) return; // not ours: ignore
      if (message.data.kind === "ready") {
        member.isReady = true;
        markReady(true);
        return;
      }
      if (member.current?.milestone !== message.data.milestone) return;
      const settle = member.current.settle;
      member.current = undefined;
      member.busy = false;
      if (!message.data.more) member.retiring = true;
      else if (closed || idle().length > options.size) retire(member);
      settle();
    });
    return member;
  }

  async function take(): Promise<Member> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const free = idle();
      const member = free.find((m) => m.isReady) ?? free[0] ?? start();
      member.busy = true;
      if (await member.ready) return member;
    }
    throw new WeaveError("worker-failed", "the worker process could not start", { hint: `its output is in ${options.logPath}` });
  }

  return {
    warm(count) {
      if (closed) return;
      for (let have = idle().length; have < count; have++) start();
    },
    async run(milestone) {
      if (closed) throw new WeaveError("internal", "the worker pool is closed");
      const member = await take();
      const exited = new Promise<void>((settle) => (member.current = { milestone: milestone.milestone, settle }));
      // A send that fails means the member is gone: its exit settles `exited`, and the coordinator sees no worker.
      member.child.send({ kind: "run", ...milestone } satisfies RunMilestone, (e) => {
        if (e) member.child.kill("SIGKILL");
      });
      return { pid: member.child.pid ?? 0, exited };
    },
    close() {
      closed = true;
      for (const member of members) retire(member);
    },
  };
}
