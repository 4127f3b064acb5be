/**
 * The coordinator workflow (`weave init --coordinator actions`): weave's loop with no server — one job that runs the
 * weave Action in `mode: coordinate` for each event (a `/weave` comment, a review, a check-run button, a worker's
 * closing dispatch or a person's, a push to the target, the schedule as a liveness tick) and exits.
 * Responsibilities: the triggers, one coordinator at a time per repository with every pending run kept
 * (`concurrency.queue: max`, not GitHub's default of replacing the pending one), the least permissions the loop's
 * GITHUB_TOKEN needs, the ledger key and the optional App id + private key (pushes and PRs that start CI) from
 * secrets given to this job only.
 * Not here: the pass itself (actions-home/coordinate.ts), the worker workflow (init/worker-workflow.ts).
 * Invariants: no `run:` step at all (so no `${{ }}` of user data can reach a shell); the Action's bundle, no install; the
 * `push` trigger names exactly the target it is given (`main` only when given none).
 */
import { branchFilter, FALLBACK_TARGET } from "./target-branch.js";
import { DEFAULT_ACTION_REF } from "./worker-workflow.js";

export const COORDINATOR_WORKFLOW_FILE = "weave-coordinator.yml";

export interface CoordinatorWorkflowOptions {
  /** `uses:` of the weave Action (the worker's). */
  actionRef?: string;
  /**
   * The branch milestones merge into: pushes to it wake the coordinator. `weave init` passes the plan's target or the
   * repository's default branch (init/target-branch.ts); `main` when absent.
   */
  target?: string;
  /** The worker workflow file the coordinator dispatches. */
  workerWorkflow?: string;
  /** Cron of the liveness tick (GitHub runs schedules at most every 5 minutes, often later). */
  cron?: string;
}

export function renderCoordinatorWorkflow(options: CoordinatorWorkflowOptions = {}): string {
  return `# weave coordinator: weave's loop with no server. Each event below starts one short job that runs one reconcile
# pass of this repository (read the ledger and GitHub, decide, act) and exits. Written by \`weave init --coordinator actions\`.
# No run: steps; permissions are the least the loop needs. Events made with GITHUB_TOKEN start no workflows (except
# workflow_dispatch), so the workers end their jobs with a dispatch of this workflow.
name: weave coordinator

on:
  issue_comment:
    types: [created]
  pull_request_review:
    types: [submitted]
  check_run:
    types: [requested_action]
  workflow_dispatch:
    inputs:
      report:
        description: A worker job's final report (sent by its post step; a claim the coordinator checks against the branch)
        required: false
        type: string
  push:
    # The branch milestones merge into (the plan's target, else the default branch): if the plan's target changes, change it here too.
    branches: [${branchFilter(options.target ?? FALLBACK_TARGET)}]
  schedule:
    - cron: "${options.cron ?? "*/15 * * * *"}"

# One coordinator at a time per repository, and no event lost: queue: max keeps every pending run
# (GitHub's default keeps one and cancels the older pending run).
concurrency:
  group: weave-coordinator
  cancel-in-progress: false
  queue: max

permissions:
  contents: write        # the ledger ref, claims of weave/<ID>, direct merges
  actions: write         # dispatch and cancel worker runs
  checks: write          # a check run per milestone
  issues: write          # the status comment, answers to commands
  pull-requests: write   # milestone PRs (merge.via: pr)

jobs:
  coordinate:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - name: One coordinator pass
        uses: ${options.actionRef ?? DEFAULT_ACTION_REF}
        with:
          mode: coordinate
          workflow: ${options.workerWorkflow ?? "weave-worker.yml"}
          token: \${{ secrets.GITHUB_TOKEN }}
        env:
          # Keys the ledger's MAC; a repository secret only this job sees (never the worker jobs).
          WEAVE_LEDGER_KEY: \${{ secrets.WEAVE_LEDGER_KEY }}
          # Optional: a GitHub App of yours (id + private key). Pushes and PRs made with GITHUB_TOKEN start no CI, so
          # when milestone PRs need required checks, this job mints the App's installation token and makes its
          # pushes and PRs with it. Unset: GITHUB_TOKEN alone. Only this job sees them, never a worker's.
          WEAVE_APP_ID: \${{ secrets.WEAVE_APP_ID }}
          WEAVE_APP_PRIVATE_KEY: \${{ secrets.WEAVE_APP_PRIVATE_KEY }}
`;
}
