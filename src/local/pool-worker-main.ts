/**
 * Warm worker process (`weave __worker --pool`, started by the coordinator's pool): runs the milestones it is handed
 * over IPC, one at a time, each exactly as a one-milestone worker would (local/local-worker-main.ts).
 * Responsibilities: say `ready` once it listens, `done` after each milestone's final status is written; end when the
 * coordinator lets go (its channel closes: a coordinator that exits or is killed) or on SIGTERM/SIGINT, but never in the
 * middle of a milestone — that one runs to its end first, so a new coordinator adopts it by PID and status file.
 * Not here: the milestone loop (worker/worker-loop.ts), choosing members (local/worker-pool.ts).
 * Invariants: at most one milestone at a time; a milestone's error lines go to that milestone's log.
 */
import { appendFileSync } from "node:fs";
import { WeaveError } from "../core/errors.js";
import { runLocalWorker } from "./local-worker-main.js";
import { weavePaths } from "./weave-paths.js";
import type { FromWorker } from "./worker-pool-protocol.js";
import { ToWorker } from "./worker-pool-protocol.js";

export async function runPoolWorker(env: NodeJS.ProcessEnv): Promise<number> {
  const send = process.send?.bind(process);
  if (!send) throw new WeaveError("usage", "`weave __worker --pool` takes its milestones from a coordinator over IPC", { hint: "it is started by `weave start`" });
  let busy = false;
  let ending = false;
  return await new Promise<number>((resolve) => {
    const leave = (): void => {
      process.off("SIGTERM", onEnd);
      process.off("SIGINT", onEnd);
      process.off("message", onMessage);
      if (process.connected) process.disconnect();
      resolve(0);
    };
    const onEnd = (): void => {
      ending = true;
      if (!busy) leave();
    };
    const onMessage = (raw: unknown): void => {
      const message = ToWorker.safeParse(raw);
      if (!message.success || busy || ending) {
        process.stderr.write(`weave worker ${process.pid}: ignored a message (${message.success ? "busy" : message.error.message})\n`);
        return;
      }
      busy = true;
      const { milestone, repo, jobPath, runId, base, expectedHead } = message.data;
      const log = weavePaths(repo).log(milestone);
      const writeError = (line: string): void => {
        try {
          appendFileSync(log, line);
        } catch {
          process.stderr.write(line);
        }
      };
      void runLocalWorker({ repo, jobPath, milestone, runId, base, expectedHead }, env, { writeError }).then((code) => {
        busy = false;
        const done: FromWorker = { kind: "done", milestone, code, more: !ending };
        if (!process.connected) return leave();
        send(done, undefined, {}, () => (ending ? leave() : undefined));
      });
    };
    process.on("SIGTERM", onEnd);
    process.on("SIGINT", onEnd);
    process.on("disconnect", onEnd);
    process.on("message", onMessage);
    send({ kind: "ready" } satisfies FromWorker);
  });
}
