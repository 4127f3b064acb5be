import { describe, expect, it } from "vitest";
import { isWeaveError } from "../../../src/core/errors.js";
import { isBranchName } from "../../../src/core/plan/branch-name.js";
import { parsePlan } from "../../../src/core/plan/parse-plan.js";

function problemsOf(text: string): { message: string; line?: number }[] {
  try {
    parsePlan(text, "weave.yml");
  } catch (e) {
    if (!isWeaveError(e) || e.code !== "plan-invalid") throw e;
    return (e.problems ?? []).map((p) => ({ message: p.message, line: p.location?.line }));
  }
  return [];
}

const BOMB = `version: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
worker: { command: x }
milestones:
  - { id: a, tasks: [t] }
`;

describe("hostile plans get a positioned plan error", () => {
  it("a YAML alias bomb: plan-invalid at the first alias, not a ReferenceError", () => {
    const problems = problemsOf(BOMB);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/aliases expand/);
    expect(problems[0]!.line).toBe(3);
  });

  it.each(["--output=/tmp/x", "-b", "a..b", "a b", "a~1", "x^", "a:b", "a?", "a*", "a[", "a\\b", "a@{1}", "x.lock", "x/", "/x", ".hidden", "a//b", "HEAD", "@"])("target %j is refused", (target) => {
    expect(isBranchName(target)).toBe(false);
    const problems = problemsOf(`version: 1\ntarget: ${JSON.stringify(target)}\nworker: { command: x }\nmilestones:\n  - { id: a, tasks: [t] }\n`);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/target must be a branch name/);
    expect(problems[0]!.line).toBe(2);
  });

  it.each(["main", "master", "feature/x", "release-1.2", "user/topic_branch", "v1.0"])("target %j is accepted", (target) => {
    expect(isBranchName(target)).toBe(true);
    expect(parsePlan(`version: 1\ntarget: ${target}\nworker: { command: x }\nmilestones:\n  - { id: a, tasks: [t] }\n`, "weave.yml").target).toBe(target);
  });
});

describe("plan messages say what is wrong in plain words", () => {
  it("a missing version is missing, not 'must be 1'; a zero budget must be more than 0", () => {
    const problems = problemsOf("worker: { command: x }\nbudget_ceiling: 0\nmilestones:\n  - { id: a, tasks: [t] }\n").map((p) => p.message);
    expect(problems).toContain('missing required field "version"');
    expect(problems).toContain("budget_ceiling must be more than 0, got number 0");
  });
});
