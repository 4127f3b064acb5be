/**
 * The commented example plan `weave init [--agent NAME]` writes to `.github/weave.yml`.
 * Invariants: it is a valid plan for every agent (a test parses each), and it documents every top-level key; its
 * `$schema` line is the caller's (a file that exists), or absent; its `target` line names the caller's branch, and
 * sets it only when asked to keep it (the plan init replaced had set it).
 */
import type { AgentName } from "../worker/agents/presets.js";

const WORKER: Record<AgentName, string> = {
  claude: `worker:
  agent: claude             # claude | codex | gemini | aider | custom (then write command:)
  # model: claude-sonnet-4-5 # passed as --model; claude reports its own cost (total_cost_usd)
  # max_turns: 40           # claude's --max-turns
  task_timeout: 45m         # one task's longest run; a timeout is a failed attempt
  # verify: npm test        # must exit 0 before a milestone counts as finished`,
  codex: `worker:
  agent: codex              # claude | codex | gemini | aider | custom (then write command:)
  model: gpt-5-codex        # passed as --model, and the price below is looked up by it
  prices:                   # codex reports tokens, not dollars: USD per million tokens
    gpt-5-codex: { input: 1.25, cached_input: 0.125, output: 10 }
  task_timeout: 45m         # one task's longest run; a timeout is a failed attempt
  # verify: npm test        # must exit 0 before a milestone counts as finished`,
  gemini: `worker:
  agent: gemini             # claude | codex | gemini | aider | custom (then write command:)
  prices:                   # gemini reports tokens per model, not dollars: USD per million tokens
    gemini-2.5-pro: { input: 1.25, cached_input: 0.31, output: 10 }
    gemini-2.5-flash: { input: 0.3, cached_input: 0.075, output: 2.5 }
  task_timeout: 45m         # one task's longest run; a timeout is a failed attempt
  # verify: npm test        # must exit 0 before a milestone counts as finished`,
  aider: `worker:
  agent: aider              # claude | codex | gemini | aider | custom (then write command:)
  model: sonnet             # passed as --model; aider prints its own cost
  task_timeout: 45m         # one task's longest run; a timeout is a failed attempt
  # verify: npm test        # must exit 0 before a milestone counts as finished`,
  custom: `worker:
  agent: custom
  # Run once per task. The task's text is in $WEAVE_TASK and in the file $WEAVE_TASK_FILE: never paste plan text
  # into this line, and never pass it where the agent could read it as an option (use stdin or the file).
  command: ./run-agent.sh < "$WEAVE_TASK_FILE"
  cost: cost-file           # claude-json | codex-jsonl | gemini-json | aider | cost-file ($WEAVE_COST_FILE, lines like {"usd": 0.12}) | none
  task_timeout: 45m         # one task's longest run; a timeout is a failed attempt
  # verify: npm test        # must exit 0 before a milestone counts as finished`,
};

/** What the example plan says of its target: the branch init chose, set (`keep`: the plan it replaces set it) or shown. */
export interface ExampleTarget {
  branch: string;
  keep: boolean;
}

function targetLine(target: ExampleTarget | undefined): string {
  const note = "# branch milestones merge into (default: the default/checked-out branch)";
  if (!target) return `# target: main              ${note}`;
  // JSON is YAML: a branch name with YAML's characters stays one string.
  const value = /^[A-Za-z0-9._/-]+$/.test(target.branch) ? target.branch : JSON.stringify(target.branch);
  return `${`${target.keep ? "" : "# "}target: ${value}`.padEnd(27)} ${note}`;
}

/**
 * The example plan with the worker section of `agent`, a `$schema` line when `schemaRef` is given, and the `target`
 * line naming `target.branch` (commented out unless `target.keep`).
 */
export function examplePlan(agent: AgentName = "claude", schemaRef?: string, target?: ExampleTarget): string {
  return `${schemaRef ? `# yaml-language-server: $schema=${schemaRef}\n` : ""}${EXAMPLE_PLAN_TEMPLATE.replace("<<TARGET>>", targetLine(target)).replace("<<WORKER>>", WORKER[agent])}`;
}

const EXAMPLE_PLAN_TEMPLATE = `# weave plan: milestones run in parallel, each on its own branch weave/<id>, as soon as their dependencies merge.
# Check it with \`weave plan check\`; see what would run with \`weave plan eligible\` and \`weave plan simulate\`.
version: 1
<<TARGET>>
max_workers: 3              # milestones running at once
budget_ceiling: 25          # USD for the whole run; at the ceiling nothing new starts
heartbeat_timeout: 5m       # a silent worker is requeued (up to \`retries\`), then failed
retries: 2
overlap: warn               # warn | serialize: never let two milestones edit the same declared files at once
merge:
  via: pr                   # pr | direct. Locally both merge into your checked-out target; on GitHub, pr opens a PR per milestone
  auto: auto                # auto: merge when finished (on GitHub still after required checks and reviews pass)
                            # confirm: wait for an approval or \`/weave merge\` (locally: \`weave merge ID\`); manual: you merge
  order: sequential         # sequential (plan order, dependencies first) | completion
<<WORKER>>
milestones:
  - id: data
    title: Data layer
    files: ["src/data/**"]
    estimate: 30m
    tasks:
      - Create the data model for the feature
      - Add repository functions with tests
  - id: api
    title: API routes
    depends_on: [data]
    files: ["src/api/**"]
    estimate: 45m
    tasks: ["Add the HTTP routes and validate request bodies"]
  - id: ui
    title: UI components
    depends_on: [data]
    files: ["src/ui/**"]
    estimate: 45m
    tasks: ["Build the list and detail views"]
  - id: integration
    title: Integration
    depends_on: [api, ui]
    estimate: 20m
    tasks: ["Wire the UI to the API and add an end-to-end test"]
`;

export const EXAMPLE_PLAN = examplePlan("claude");
