/**
 * Worker Action post step (`runs.post`): runs even when the job was cancelled, and makes sure the App hears a final
 * report — from the status file the main step kept — when the main step could not send one.
 * Invariants: never fails the job; sends nothing when the main step already delivered its final report.
 */
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import type { WorkerStatus } from "../ports/reporter.js";
import { createHttpsReporter } from "./https-reporter.js";
import { statusFilePath } from "./status-file.js";

try {
  const milestone = core.getState("milestone");
  const appUrl = core.getState("app-url");
  if (milestone && appUrl && core.getState("final-sent") !== "true") {
    const last = JSON.parse(await readFile(statusFilePath(process.env, milestone), "utf8").catch(() => "null")) as WorkerStatus | null;
    const final: WorkerStatus = last && ["finished", "failed", "stopped", "paused"].includes(last.state)
      ? last
      : { ...(last ?? { milestone, runId: process.env.GITHUB_RUN_ID ?? "", tasksDone: 0, tasks: 0, costUsd: 0, pid: process.pid, startedAt: new Date().toISOString() }), state: "stopped", error: "the job ended before the worker reported (cancelled or killed)", updatedAt: new Date().toISOString() } as WorkerStatus;
    const reporter = createHttpsReporter({ appUrl, dispatchId: core.getState("dispatch-id"), getIdToken: () => core.getIDToken("weave"), log: core.warning, backoffMs: [500] });
    await reporter.report(final);
    core.info(`weave: final report for ${milestone} sent (${final.state})`);
  }
} catch (e) {
  core.warning(`weave: post step could not send a final report: ${(e as Error).message}`);
}
