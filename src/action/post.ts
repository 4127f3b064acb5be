/**
 * Worker Action post step (`runs.post`): runs after the main step, also when it was cancelled or killed, and makes
 * sure the App hears the job's end: the main step's final report again when the App did not acknowledge it, or
 * `died` when the main step ended without one. It keeps trying while the App may come back (action/post-report.ts).
 * With input `coordinator` (the coordinator runs in Actions), it then dispatches that workflow (action/coordinator-nudge.ts).
 * Invariants: never fails the job; sends nothing when the main step's final report was acknowledged; where to send
 * and for which milestone come from the step's inputs (the workflow's `with:`), not from the saved state, which
 * the agent could append to — the state only says whether and how long to try.
 */
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { eventDefaultBranch } from "../core/contracts/actions-event.js";
import { readActionInputs } from "./action-inputs.js";
import { nudgeCoordinator } from "./coordinator-nudge.js";
import { createHttpsReporter } from "./https-reporter.js";
import { POST_RETRY_DELAYS_MS, postStepReport, postWindowSec, readNotesSeen } from "./post-report.js";
import { readStatusFile, statusFilePath } from "./status-file.js";
import { wireBody } from "./wire-status.js";

/** The fields of the event payload the post step reads (declared before the top-level await below runs). */

try {
  // A coordinator run (`mode: coordinate`) has no milestone and nothing to report.
  if (core.getInput("mode").trim() !== "coordinate") {
    await reportEnd();
    await nudge();
  }
} catch (e) {
  core.warning(`weave: post step could not send a final report: ${(e as Error).message}`);
}

async function reportEnd(): Promise<void> {
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
}

/** Coordinator in Actions (input `coordinator`): dispatch it on the default branch, so it sees this job's end. */
async function nudge(): Promise<void> {
  const workflow = core.getInput("coordinator").trim();
  const token = core.getInput("token").trim();
  if (!workflow || !token) return;
  core.setSecret(token);
  const ref = await readDefaultBranch();
  // The job's final report rides along (the coordinator has no endpoint): the wire shape, never the agent's output.
  const inputs = readActionInputs((name) => core.getInput(name), core.setSecret);
  const ran = core.getState("milestone") === inputs.milestone;
  const last = ran ? await readStatusFile(statusFilePath(process.env, inputs.milestone)) : null;
  // The notes the main step took are acknowledged here too: the coordinator drops them from the ledger.
  const report = ran ? wireBody(inputs.dispatchId, postStepReport(last, { milestone: inputs.milestone, runId: process.env.GITHUB_RUN_ID ?? "", now: new Date() }), readNotesSeen(core.getState("notes-seen"))) : undefined;
  const problem = await nudgeCoordinator({ apiUrl: process.env.GITHUB_API_URL ?? "https://api.github.com", repository: process.env.GITHUB_REPOSITORY ?? "", workflow, ref, token, report });
  if (problem) core.warning(`weave: ${problem}; the coordinator's schedule looks again`);
  else core.info(`weave: dispatched ${workflow} so the coordinator sees this job's end`);
}

/** The default branch, from the event GitHub wrote (the dispatch's payload names the repository). */
async function readDefaultBranch(): Promise<string> {
  const text = process.env.GITHUB_EVENT_PATH ? await readFile(process.env.GITHUB_EVENT_PATH, "utf8").catch(() => "") : "";
  return eventDefaultBranch(text) ?? process.env.GITHUB_REF_NAME ?? "main";
}
