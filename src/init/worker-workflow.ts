/**
 * The worker workflow: one GitHub Actions job per milestone, started by the App with `workflow_dispatch`.
 * Responsibilities: the YAML `weave init` writes into a user's repository (and weave's own copy is generated from).
 * Not here: the Action it calls (action/, src/action/), dispatching it (github/dispatch.ts).
 * Invariants: least permissions (contents: write, id-token: write); inputs reach scripts only through `env:`,
 * never `${{ … }}` inside `run:`; a concurrency group per milestone; timeout below GitHub's 360 minutes.
 */

export const DEFAULT_ACTION_REF = "weave-dev/weave/action@v1";

export interface WorkerWorkflowOptions {
  /** `uses:` of the worker Action: `./action` in weave's own repository. */
  actionRef?: string;
  /** Shell lines that install the agent (run with `bash -e`). */
  installAgent?: string;
  timeoutMinutes?: number;
}

export function renderWorkerWorkflow(options: WorkerWorkflowOptions = {}): string {
  const install = (options.installAgent ?? "npm install --global @anthropic-ai/claude-code").split("\n").map((l) => `          ${l}`).join("\n");
  return `# weave worker: one job per milestone, dispatched by the weave GitHub App. Written by \`weave init\`.
# Inputs reach scripts only through env: (never \${{ }} inside run:), permissions are the least the job needs.
name: weave worker
run-name: "weave \${{ inputs.milestone }} (\${{ inputs.dispatch_id }})"

on:
  workflow_dispatch:
    inputs:
      milestone:
        description: Milestone ID from .github/weave.yml
        required: true
        type: string
      dispatch_id:
        description: The App's dispatch id (finds this run again after a lost response)
        required: true
        type: string
      sha:
        description: Commit weave/<milestone> must be at before the agent starts
        required: true
        type: string
      app_url:
        description: Where the worker sends heartbeats
        required: true
        type: string
      mode:
        description: "run: the milestone's tasks; resolve: merge the target into weave/<milestone> and let the agent resolve the conflicts"
        required: false
        type: choice
        options: [run, resolve]
        default: run

permissions:
  contents: write
  id-token: write

concurrency:
  group: weave-\${{ inputs.milestone }}
  cancel-in-progress: false

jobs:
  milestone:
    runs-on: ubuntu-latest
    timeout-minutes: ${options.timeoutMinutes ?? 350}
    steps:
      - uses: actions/checkout@v5
        with:
          ref: weave/\${{ inputs.milestone }}
          fetch-depth: 0
          # The agent must not find the job's token in .git/config: the Action pushes with its \`token\` input itself.
          persist-credentials: false
      - name: Install the agent
        run: |
${install}
      - name: Run the milestone
        uses: ${options.actionRef ?? DEFAULT_ACTION_REF}
        with:
          milestone: \${{ inputs.milestone }}
          dispatch-id: \${{ inputs.dispatch_id }}
          sha: \${{ inputs.sha }}
          app-url: \${{ inputs.app_url }}
          mode: \${{ inputs.mode }}
        env:
          ANTHROPIC_API_KEY: \${{ secrets.ANTHROPIC_API_KEY }}
`;
}
