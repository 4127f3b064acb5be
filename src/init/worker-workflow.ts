/**
 * The worker workflow: one GitHub Actions job per milestone, started by the App with `workflow_dispatch`.
 * Responsibilities: the YAML `weave init` writes into a user's repository (and weave's own copy is generated from):
 * per agent preset a pinned install step with its download cache, and the agent's secrets in the worker's env; with
 * the coordinator in Actions, the optional `allowance_usd` input (the job's share of the run's budget) passed to the
 * Action.
 * Not here: the Action it calls (action/, src/action/), dispatching it (github/dispatch.ts), the presets' data
 * (worker/agents/presets.ts).
 * Invariants: least permissions (contents: write, and id-token: write for the App or actions: write for the
 * coordinator workflow's dispatch and checks: write for the job's progress on its check run); inputs reach scripts only through `env:`,
 * never `${{ … }}` inside `run:`; a concurrency group per milestone; timeout below GitHub's 360 minutes.
 */

import type { AgentName } from "../worker/agents/presets.js";
import { AGENT_PRESETS } from "../worker/agents/presets.js";

export const DEFAULT_ACTION_REF = "weave-dev/weave/action@v1";

const CUSTOM_INSTALL = 'echo "install your agent here (weave runs the plan\'s worker.command)"';

export interface WorkerWorkflowOptions {
  /** `uses:` of the worker Action: `./action` in weave's own repository. */
  actionRef?: string;
  /** Which agent the jobs install and get secrets for (default claude); `custom` installs nothing. */
  agent?: AgentName;
  /** Shell lines that install the agent (run with `bash -e`), instead of the preset's. */
  installAgent?: string;
  timeoutMinutes?: number;
  /**
   * Where the coordinator runs: \`app\` (the weave App server; heartbeats over HTTPS with the job's OIDC token) or
   * \`actions\` (the coordinator workflow: the job's post step dispatches it, so it needs \`actions: write\`, not \`id-token\`).
   */
  coordinator?: "app" | "actions";
}

function installSteps(agent: AgentName, installAgent: string | undefined): string {
  const indent = (text: string): string => text.split("\n").map((l) => `          ${l}`).join("\n");
  if (agent === "custom") return `      - name: Install the agent\n        run: |\n${indent(installAgent ?? CUSTOM_INSTALL)}\n`;
  const { install } = AGENT_PRESETS[agent];
  const python = install.python ? `      - uses: actions/setup-python@v6\n        with:\n          python-version: "3.12"\n` : "";
  return `${python}      - name: Cache the agent's download
        uses: actions/cache@v4
        with:
          path: ${install.cachePath}
          key: weave-agent-\${{ runner.os }}-${agent}-${install.version}
      - name: Install the agent (${agent} ${install.version}, pinned)
        run: |
${indent(installAgent ?? install.run)}
`;
}

function secretsEnv(agent: AgentName): string {
  const names = agent === "custom" ? ["ANTHROPIC_API_KEY"] : AGENT_PRESETS[agent].secrets;
  return names.map((n) => `          ${n}: \${{ secrets.${n} }}`).join("\n");
}

/** The coordinator workflow's file (init/coordinator-workflow.ts), dispatched by the worker's post step in Actions mode. */
const COORDINATOR_FILE = "weave-coordinator.yml";

/** Actions home: the coordinator's allowance for the job (core/worker-allowance.ts); absent in older workflows. */
const ALLOWANCE_INPUT = `      allowance_usd:
        description: The most this milestone may have spent (USD) when this job stops; the coordinator's share of the run's budget for it
        required: false
        type: string
`;

function permissions(coordinator: "app" | "actions"): string {
  if (coordinator === "app") return "permissions:\n  contents: write\n  id-token: write\n";
  return "permissions:\n  contents: write\n  actions: write   # the post step dispatches the coordinator workflow\n  checks: write    # the job writes its progress on its milestone's check run\n";
}

export function renderWorkerWorkflow(options: WorkerWorkflowOptions = {}): string {
  const agent = options.agent ?? "claude";
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
        description: ${options.coordinator === "actions" ? "Where the worker sends heartbeats (empty when the coordinator runs in Actions)" : "Where the worker sends heartbeats"}
        required: ${options.coordinator === "actions" ? "false" : "true"}
        type: string
      mode:
        description: "run: the milestone's tasks; resolve: merge the target into weave/<milestone> and let the agent resolve the conflicts"
        required: false
        type: choice
        options: [run, resolve]
        default: run
${options.coordinator === "actions" ? ALLOWANCE_INPUT : ""}
${permissions(options.coordinator ?? "app")}
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
${installSteps(agent, options.installAgent)}      - name: Run the milestone
        uses: ${options.actionRef ?? DEFAULT_ACTION_REF}
        with:
          milestone: \${{ inputs.milestone }}
          dispatch-id: \${{ inputs.dispatch_id }}
          sha: \${{ inputs.sha }}
          app-url: \${{ inputs.app_url }}
          mode: \${{ inputs.mode }}
${options.coordinator === "actions" ? `          coordinator: ${COORDINATOR_FILE}\n          allowance-usd: \${{ inputs.allowance_usd }}\n` : ""}        env:
${secretsEnv(agent)}
`;
}
