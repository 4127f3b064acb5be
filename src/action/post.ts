/**
 * Worker Action post step (`runs.post`): runs after the main step, also when it was cancelled or killed, and makes
 * sure the App hears the job's end: the main step's final report again when the App did not acknowledge it, or
 * `died` when the main step ended without one. It keeps trying while the App may come back (action/post-report.ts).
 * Invariants: never fails the job; sends nothing when the main step's final report was acknowledged; where to send
 * and for which milestone come from the step's inputs (the workflow's `with:`), not from the saved state, which
 * the agent could append to — the state only says whether and how long to try.
 */
import * as core from "@actions/core";
import { readActionInputs } from "./action-inputs.js";
import { createHttpsReporter } from "./https-reporter.js";
import { POST_RETRY_DELAYS_MS, postStepReport, postWindowSec } from "./post-report.js";
import { readStatusFile, statusFilePath } from "./status-file.js";

try {
  const inputs = readActionInputs((name) => core.getInput(name), core.setSecret);
  const { milestone, appUrl } = inputs;
  // The main step saves `milestone` once the worker is about to run: before that there is nothing to report.
  if (appUrl && core.getState("milestone") === milestone && core.getState("final-sent") !== "true") {
    const last = await readStatusFile(statusFilePath(process.env, milestone));
    const report = postStepReport(last, { milestone, runId: process.env.GITHUB_RUN_ID ?? "", now: new Date() });
    const windowSec = postWindowSec(core.getState("app-reached") === "true", Number(core.getState("report-window-sec")) || undefined);
    const reporter = createHttpsReporter({ appUrl, dispatchId: inputs.dispatchId, getIdToken: () => core.getIDToken("weave"), log: core.warning });
    const outcome = await reporter.sendUntilAcknowledged(report, { untilMs: Date.now() + windowSec * 1000, delaysMs: POST_RETRY_DELAYS_MS });
    if (outcome === "acknowledged") core.info(`weave: final report for ${milestone} sent (${report.state})`);
    else if (outcome === "refused") core.warning(`weave: the App refused the final report for ${milestone} (${reporter.lastError})`);
    else core.warning(`weave: could not deliver the final report for ${milestone} within ${windowSec} s (${reporter.lastError}); the App learns the job's end from GitHub and the branch`);
  }
} catch (e) {
  core.warning(`weave: post step could not send a final report: ${(e as Error).message}`);
}
