/**
 * Fault: an invalid plan. `weave start` must list every problem as file:line:col, exit 1, and start nothing.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { repoForTest } from "./local-fixtures.js";

const SCHEMA_AND_GRAPH = `version: 1
max_workers: two
retries: 1
merge: { via: direct, auto: auto, order: completion }
worker:
  command: node agent.mjs
milestones:
  - { id: a, tasks: [one] }
  - { id: b, depends_on: [nope], tasks: [two] }
`;

const YAML_SYNTAX = `version: 1
worker:
  command: node agent.mjs
milestones:
  - { id: a, tasks: [one]
  - id: b
`;

const CYCLE = `version: 1
worker:
  command: node agent.mjs
milestones:
  - { id: a, depends_on: [b], tasks: [one] }
  - { id: b, depends_on: [a], tasks: [two] }
`;

describe.concurrent("weave start with an invalid plan", () => {
  it.for([
    ["schema and graph errors", SCHEMA_AND_GRAPH, ["2 problems", ".github/weave.yml:2:14: max_workers must be a number", '.github/weave.yml:9:27: b depends on "nope"']],
    ["a YAML syntax error", YAML_SYNTAX, ["1 problem", ".github/weave.yml:6:3: YAML syntax"]],
    ["a dependency cycle", CYCLE, ["1 problem", ".github/weave.yml:5:27: dependency cycle: a → b → a"]],
  ] as const)("%s: every problem at file:line:col, exit 1, nothing started", async ([, plan, expected], test) => {
    const { expect } = test;
    const repo = await repoForTest(test, plan);
    const run = await repo.weave(["start"], { AGENT_SLEEP_MS: "100" });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: \.github\/weave\.yml is not a valid plan: /);
    for (const text of expected) expect(run.stderr).toContain(text);
    expect(run.stderr).not.toMatch(/^\s+at /m); // no stack trace

    // Nothing started: no run directory, no worktrees, no milestone branches, main untouched.
    expect(existsSync(join(repo.dir, ".weave"))).toBe(false);
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
    expect(repo.git("worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(repo.git("rev-list", "--count", "main")).toBe("1");
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});
