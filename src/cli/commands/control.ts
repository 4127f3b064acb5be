/**
 * `weave stop|pause|resume|merge [IDs] [--force]`: steer a run, whether or not its coordinator is running.
 * Responsibilities: with a live coordinator, hand it a request file (and send at once the signals core/control.ts
 * decides for it); without one, take the lock and apply the request here — merges run right away.
 * Not here: what each request does (local/run-actions.ts).
 * Invariants: IDs not in the plan are usage errors; nothing is applied twice; which workers a command signals is
 * core/control.ts's answer alone.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { controlRequest } from "../../core/contracts/control-request.js";
import { WeaveError } from "../../core/errors.js";
import { writeJsonAtomic } from "../../local/atomic-json.js";
import { sendSignal } from "../../local/file-reporter.js";
import { isProcessAlive, readLockHolder } from "../../local/locks.js";
import type { ControlRequest } from "../../local/run-actions.js";
import { applyRequest, controlOf, mergeOne } from "../../local/run-actions.js";
import { openRun } from "../../local/run-context.js";
import { loadRunState } from "../../local/state-store.js";
import { weavePaths } from "../../local/weave-paths.js";
import type { CliIo } from "../cli-io.js";
import { DEFAULT_PLAN_PATH, parseOptions, write } from "../cli-io.js";
import { idList, readPlan } from "../plan-arg.js";
import { findRepoRoot } from "../repo-root.js";

export function controlCommand(verb: ControlRequest["verb"]) {
  return async (argv: string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseOptions(argv, { plan: { type: "string" }, force: { type: "boolean" } }, `weave ${verb} [IDS…] [--plan PATH]${verb === "merge" ? " [--force]" : ""}`);
    if (values.force && verb !== "merge") throw new WeaveError("usage", `--force is for \`weave merge\` only`);
    const planArg = values.plan ?? DEFAULT_PLAN_PATH;
    const plan = await readPlan(io, planArg);
    const ids = idList(plan, positionals, `weave ${verb}`);
    const repo = await findRepoRoot(io.cwd);
    const paths = weavePaths(repo);
    const request: ControlRequest = controlRequest(verb, ids, values.force);

    const holder = await readLockHolder(paths.coordinatorLock);
    if (holder && isProcessAlive(holder.pid)) {
      await writeJsonAtomic(`${paths.requests}/${Date.now()}-${randomBytes(3).toString("hex")}.json`, request);
      write(io.stdout, `${verb} sent to the running coordinator (PID ${holder.pid})${ids.length ? ` for ${ids.join(", ")}` : ""}.${verb === "pause" ? " A running milestone shows as `pausing` in `weave status` until its task in flight ends and it is checkpointed." : ""}`);
      if (verb === "stop" || verb === "pause") {
        const state = await loadRunState(paths.state);
        // Signal at once (the coordinator may be busy merging) the workers core/control.ts says this request signals;
        // the coordinator applies the rest of the request.
        for (const change of controlOf(plan, state?.milestones, request).changes) {
          if (change.signal) await sendSignal(paths, change.id, change.signal, `${change.signal} requested`);
        }
      }
      return 0;
    }

    const ctx = await openRun({ repo, plan, planPath: resolve(io.cwd, planArg), env: io.env, skipPreflight: verb !== "merge" });
    try {
      // No coordinator: workers may still run (it crashed or was interrupted); the request signals them itself.
      const lines = await applyRequest(ctx, request);
      const attempted: string[] = [];
      if (verb === "merge") {
        for (const [id, r] of Object.entries(ctx.state.milestones)) {
          if (!r.mergeRequested) continue;
          attempted.push(id);
          await mergeOne(ctx, id);
          const after = ctx.state.milestones[id]!;
          const scope = after.scopeWarnings?.length ? ` (outside its declared files: ${after.scopeWarnings.join(", ")})` : "";
          lines.push(after.state === "merged" ? `${id}: merged into ${ctx.target}${scope}` : `${id}: ${after.state} — ${after.reason}${after.conflictFiles?.length ? `\n    ${after.conflictFiles.join("\n    ")}` : ""}`);
        }
      }
      write(io.stdout, lines.length ? lines.join("\n") : `nothing to ${verb}`);
      if (verb === "resume" || verb === "merge") write(io.stdout, "Run `weave start` to continue the run.");
      // A merge that did not land (a conflict, or a refusal such as a failed verify without --force) is a failure.
      // Without IDs, every merge tried here must have landed (`weave merge` alone is not a success when one conflicted).
      const unlanded = verb === "merge" && (ids.length ? ids : attempted).some((id) => ctx.state.milestones[id]?.state !== "merged");
      return unlanded ? 1 : 0;
    } finally {
      await ctx.lock.release();
    }
  };
}
