import { describe, expect, it } from "vitest";
import { isWeaveError } from "../../../src/core/errors.js";
import type { WeaveError } from "../../../src/core/errors.js";
import { parsePlan } from "../../../src/core/plan/parse-plan.js";

const FILE = ".github/weave.yml";

function problemsOf(text: string | Uint8Array): { line: number; column: number; message: string; hint?: string }[] {
  try {
    parsePlan(text, FILE);
  } catch (e) {
    if (!isWeaveError(e, "plan-invalid")) throw e;
    return (e as WeaveError).problems.map((p) => ({ line: p.location?.line ?? 0, column: p.location?.column ?? 0, message: p.message, hint: p.hint }));
  }
  throw new Error("expected the plan to be invalid");
}

const valid = `version: 1
max_workers: 2
worker:
  command: ./agent.sh
milestones:
  - id: M001
    title: Core types
    files: [src/types.ts]
    tasks: ["Define types"]
  - id: M002
    depends_on: [M001]
    estimate: 1h30m
    tasks: [a, b]
`;

describe("parsePlan", () => {
  it("accepts a valid plan and applies defaults", () => {
    const plan = parsePlan(valid, FILE);
    expect(plan.milestones.map((m) => m.id)).toEqual(["M001", "M002"]);
    expect(plan.milestones[1]!.estimate).toBe(5400);
    expect(plan.milestones[0]!.depends_on).toEqual([]);
    expect(plan.retries).toBe(2);
    expect(plan.heartbeat_timeout).toBe(300);
    expect(plan.merge.via).toBe("pr");
    expect(plan.worker.agent).toBe("custom");
    expect(plan.worker.task_timeout).toBe(45 * 60);
    expect(plan.file).toBe(FILE);
  });

  it("suggests the right key for a misspelt one, at the key's position", () => {
    const problems = problemsOf(valid.replace("    depends_on: [M001]", "    depend_on: [M001]"));
    expect(problems).toEqual([{ line: 11, column: 5, message: 'unknown key "depend_on" in milestone M002', hint: 'did you mean "depends_on"?' }]);
  });

  it("reports every problem at once, sorted by position", () => {
    const text = `version: 1
max_workers: "3"
retries: 99
heartbeat_timeout: 5 minutes
merge: { via: prr }
worker:
  command: x
milestones:
  - id: "bad id"
    tasks: []
  - id: M2
    tasks: [t]
    depends_on: [M9]
`;
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.line, p.column])).toEqual([[2, 14], [3, 10], [4, 20], [5, 15], [9, 9], [10, 12], [13, 18]]);
    expect(problems[0]!.message).toBe('max_workers must be a number, got the string "3"');
    expect(problems[0]!.hint).toBe("remove the quotes");
    expect(problems[1]!.message).toMatch(/retries must be at most 10/);
    expect(problems[2]!.message).toMatch(/"5 minutes" is not a duration/);
    expect(problems[3]!.message).toMatch(/merge\.via must be one of pr, direct/);
    expect(problems[3]!.hint).toBe('did you mean "pr"?');
    expect(problems[4]!.message).toMatch(/milestone IDs are 1–64 characters/);
    expect(problems[5]!.message).toBe("milestone bad id: tasks: a milestone needs at least one task");
    expect(problems[6]!.message).toBe('M2 depends on "M9", which is not a milestone of this plan');
  });

  it("names a missing required field", () => {
    const problems = problemsOf("version: 1\nmilestones:\n  - id: A\n    tasks: [x]\n");
    expect(problems).toEqual([{ line: 1, column: 1, message: 'missing required field "worker"', hint: 'add "worker:"' }]);
  });

  it("names the cycle path", () => {
    const text = `version: 1
worker: { command: x }
milestones:
  - { id: M1, tasks: [t] }
  - { id: M2, tasks: [t], depends_on: [M5] }
  - { id: M5, tasks: [t], depends_on: [M9] }
  - { id: M9, tasks: [t], depends_on: [M2, M1] }
`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe("dependency cycle: M2 → M5 → M9 → M2");
    expect([problems[0]!.line, problems[0]!.column]).toEqual([5, 40]);
  });

  it("reports duplicate IDs and self-dependencies", () => {
    const text = `version: 1
worker: { command: x }
milestones:
  - { id: A, tasks: [t] }
  - { id: A, tasks: [t], depends_on: [A] }
`;
    const messages = problemsOf(text).map((p) => `${p.line}:${p.column} ${p.message}`);
    expect(messages).toEqual(['5:11 duplicate milestone ID "A" (first defined at line 4)', "5:39 A depends on itself"]);
  });

  it("rejects IDs that cannot be branch names", () => {
    for (const id of ["a..b", "x.lock", "-x", "x/y", "é"]) {
      const problems = problemsOf(`version: 1\nworker: { command: x }\nmilestones:\n  - { id: "${id}", tasks: [t] }\n`);
      expect(problems.length, id).toBeGreaterThan(0);
    }
  });

  it("handles empty, binary, non-UTF-8 and broken YAML", () => {
    expect(problemsOf("# only a comment\n")[0]!.message).toBe("the plan is empty");
    expect(problemsOf(new Uint8Array([0x76, 0x00, 0x31]))[0]!.message).toMatch(/not a text file/);
    expect(problemsOf(new Uint8Array([0x76, 0xff, 0xfe, 0x31]))[0]!.message).toMatch(/not UTF-8/);
    const syntax = problemsOf("version: 1\nmilestones: [\n  - a: b\n");
    expect(syntax[0]!.message).toMatch(/^YAML syntax:/);
    expect(syntax[0]!.line).toBeGreaterThan(1);
    expect(problemsOf("version: 1\nversion: 1\n")[0]).toMatchObject({ message: "YAML syntax: duplicated mapping key", line: 2 });
    expect(problemsOf("- a\n- b\n")[0]!.message).toMatch(/must be a mapping/);
  });
});

describe("a plan newer than this weave", () => {
  it("says so and how to upgrade, instead of 'version must be 1'", () => {
    try {
      parsePlan("version: 2\nworker: { command: x }\nmilestones:\n  - { id: A, tasks: [t] }\n", "weave.yml");
      expect.unreachable();
    } catch (e) {
      const text = String((e as Error).message) + JSON.stringify(e);
      expect(text).toContain("this plan is version 2, newer than this weave understands (it reads plan version 1)");
      expect(text).toContain("upgrade weave");
    }
  });
});
