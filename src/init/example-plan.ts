/**
 * The commented example plan `weave init` writes to `.github/weave.yml`.
 * Invariants: it is a valid plan (a test parses it), and it documents every top-level key; its `$schema` line is the
 * caller's (a file that exists), or absent.
 */

export function examplePlan(schemaRef?: string): string {
  return `${schemaRef ? `# yaml-language-server: $schema=${schemaRef}\n` : ""}${EXAMPLE_BODY}`;
}

const EXAMPLE_BODY = `# weave plan: milestones run in parallel, each on its own branch weave/<id>, as soon as their dependencies merge.
# Check it with \`weave plan check\`; see what would run with \`weave plan eligible\` and \`weave plan simulate\`.
version: 1
# target: main              # branch milestones merge into (default: the default/checked-out branch)
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
worker:
  # Run once per task. The task's text is in $WEAVE_TASK: never paste plan text into this line.
  command: claude -p "$WEAVE_TASK" --output-format json --dangerously-skip-permissions
  cost: claude-json         # claude-json | cost-file ($WEAVE_COST_FILE, lines like {"usd": 0.12}) | none
  # verify: npm test        # must exit 0 before a milestone counts as finished
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
