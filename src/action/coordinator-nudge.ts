/**
 * The worker's last word in Actions mode: a `workflow_dispatch` of the coordinator workflow, so a coordinator run
 * looks at the world once this job has ended (nothing else starts one: events made with GITHUB_TOKEN start no runs,
 * except dispatch).
 * Responsibilities: one POST with the job's token to the default branch's coordinator workflow; a failure is a
 * warning only (the coordinator's schedule is the fallback).
 * Not here: what the coordinator does (actions-home/coordinate.ts); when it is called (action/post.ts, after the report).
 * Invariants: the token goes in the Authorization header only, never in a message; never throws.
 */
export interface NudgeInput {
  apiUrl: string;
  repository: string;
  workflow: string;
  ref: string;
  token: string;
  /** The job's final report (the heartbeat body as JSON), the coordinator workflow's `report` input. */
  report?: string;
  fetchImpl?: typeof fetch;
}

/** Undefined when the dispatch was accepted; otherwise why not, in words safe to log. */
export async function nudgeCoordinator(input: NudgeInput): Promise<string | undefined> {
  const url = `${input.apiUrl.replace(/\/$/, "")}/repos/${input.repository}/actions/workflows/${encodeURIComponent(input.workflow)}/dispatches`;
  try {
    const response = await (input.fetchImpl ?? fetch)(url, {
      method: "POST",
      headers: { authorization: `Bearer ${input.token}`, accept: "application/vnd.github+json", "content-type": "application/json" },
      body: JSON.stringify({ ref: input.ref, ...(input.report !== undefined ? { inputs: { report: input.report } } : {}) }),
    });
    return response.ok ? undefined : `GitHub answered ${response.status} to the coordinator's dispatch`;
  } catch (e) {
    return `the coordinator's dispatch failed: ${(e as Error).name}`;
  }
}
