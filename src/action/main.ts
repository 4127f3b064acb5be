/**
 * Action entry (`runs.main`): wires @actions/core and the runner's signals to runMilestoneAction, or with
 * `mode: coordinate` to one coordinator pass (actions-home/coordinate.ts).
 * Invariants: any thrown value fails the step with its message; SIGINT/SIGTERM (cancel) become a graceful stop.
 */
import * as core from "@actions/core";
import { isWeaveError } from "../core/errors.js";
import { renderErrorText } from "../core/render/error-render.js";
import { createSignalBox } from "../worker/signal-box.js";
import { runCoordinatePass } from "../actions-home/coordinate.js";
import { runMilestoneAction } from "./run-milestone.js";

const signals = createSignalBox();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => {
  core.info(`weave: ${signal} received: stopping the task in flight, checkpointing, reporting`);
  signals.raise("stop");
});

try {
  if (core.getInput("mode").trim() === "coordinate") await runCoordinatePass({ env: process.env, core: { getInput: (name) => core.getInput(name), setSecret: core.setSecret, info: core.info } });
  else await runWorker();
} catch (e) {
  core.setFailed(isWeaveError(e) ? renderErrorText(e) : e instanceof Error ? e.message : String(e));
}

async function runWorker(): Promise<void> {
  const status = await runMilestoneAction({
    env: process.env,
    cwd: process.cwd(),
    signals,
    core: {
      getInput: (name) => core.getInput(name),
      setSecret: core.setSecret,
      setOutput: core.setOutput,
      info: core.info,
      warning: core.warning,
      getIDToken: (audience) => core.getIDToken(audience),
      saveState: core.saveState,
      writeSummary: async (markdown) => void (await core.summary.addRaw(markdown).write()),
    },
  });
  if (status.state === "failed") core.setFailed(`${status.milestone}: ${status.error ?? "failed"}${status.lastOutput?.length ? `\n${status.lastOutput.join("\n")}` : ""}`);
  else core.info(`weave: ${status.milestone} ${status.state} (${status.tasksDone}/${status.tasks} tasks, $${status.costUsd.toFixed(4)})`);
}
