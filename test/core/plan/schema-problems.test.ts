import { describe, expect, it } from "vitest";
import { isWeaveError } from "../../../src/core/errors.js";
import { parsePlan } from "../../../src/core/plan/parse-plan.js";

function messagesOf(text: string): string[] {
  try {
    parsePlan(text, "weave.yml");
  } catch (e) {
    if (!isWeaveError(e, "plan-invalid")) throw e;
    return e.problems.map((p) => p.message);
  }
  throw new Error("expected the plan to be invalid");
}

const plan = (top: string, worker = "command: x", milestone = "{ id: a, tasks: [t] }"): string =>
  `version: 1\n${top}worker: { ${worker} }\nmilestones:\n  - ${milestone}\n`;

// Bounds are worded from the code, origin and bound; a message the schema wrote is shown as is. zod's own
// English ("Too small: expected …") never reaches the plan's author.
const BOUNDS: [string, string, string][] = [
  ["a number under its minimum", plan("max_workers: 0\n"), "max_workers must be at least 1, got number 0"],
  ["a number over its maximum", plan("max_workers: 65\n"), "max_workers must be at most 64, got number 65"],
  ["an exclusive minimum", plan("budget_ceiling: 0\n"), "budget_ceiling must be more than 0, got number 0"],
  ["an empty string", plan("", 'command: ""'), 'worker.command must be at least 1 characters long, got the string ""'],
  ["an empty list with the schema's own words", plan("", "command: x", "{ id: a, tasks: [] }"), "milestone a: tasks: a milestone needs at least one task"],
  ["a nested bound", plan("", "command: x, verify_retries: 11"), "worker.verify_retries must be at most 10, got number 11"],
];

describe("schema problems: bounds from codes and fields, never from zod's words", () => {
  it.each(BOUNDS)("%s", (_name, text, message) => {
    expect(messagesOf(text)).toEqual([message]);
  });

  it("no message is zod's English", () => {
    const all = BOUNDS.flatMap(([, text]) => messagesOf(text));
    for (const m of all) expect(m).not.toMatch(/Too (small|big)|Invalid input|expected/);
  });
});
