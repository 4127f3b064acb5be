/**
 * Error rendering: one WeaveError reads the same in the terminal, in a comment and in a check run.
 * Responsibilities: plain-text and markdown forms of an error with its problems, hint and (on request) stack.
 * Not here: deciding exit codes (cli/), posting comments (github/).
 * Invariants: pure; a problem with a location always starts with `file:line:col:`.
 */
import type { Problem, WeaveError } from "../errors.js";

function where(problem: Problem): string {
  const l = problem.location;
  return l ? `${l.file}:${l.line}:${l.column}: ` : "";
}

export function renderErrorText(error: WeaveError, options: { debug?: boolean } = {}): string {
  const lines = [`error: ${error.message}`];
  for (const problem of error.problems) {
    lines.push(`  ${where(problem)}${problem.message}`);
    if (problem.hint) lines.push(`    hint: ${problem.hint}`);
  }
  if (error.hint) lines.push(`hint: ${error.hint}`);
  if (options.debug && error.stack) lines.push("", error.stack);
  if (options.debug && error.cause instanceof Error && error.cause.stack) lines.push("caused by:", error.cause.stack);
  return `${lines.join("\n")}\n`;
}

export function renderErrorMarkdown(error: WeaveError): string {
  const lines = [`**weave:** ${error.message}`];
  if (error.problems.length > 0) {
    lines.push("");
    for (const problem of error.problems) {
      const at = problem.location ? `\`${problem.location.file}:${problem.location.line}:${problem.location.column}\` ` : "";
      lines.push(`- ${at}${problem.message}${problem.hint ? ` — _${problem.hint}_` : ""}`);
    }
  }
  if (error.hint) lines.push("", `> ${error.hint}`);
  return lines.join("\n");
}
