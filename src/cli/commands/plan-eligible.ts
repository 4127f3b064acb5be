/**
 * `weave plan eligible [PATH] --merged M1,M2 [--running M3] [--failed M4] [--format text|markdown|json]`.
 * Responsibilities: the eligibility report for a hypothetical point in a run.
 * Not here: eligibility rules (core/eligibility.ts), layout (core/render/eligibility-report.ts).
 * Invariants: IDs not in the plan are usage errors, never silently ignored.
 */
import { findEligibility } from "../../core/eligibility.js";
import { WeaveError } from "../../core/errors.js";
import { renderEligibilityMarkdown, renderEligibilityText } from "../../core/render/eligibility-report.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";
import { STATE_FLAG_OPTIONS, statesFromFlags } from "./state-flags.js";

const USAGE = "weave plan eligible [PATH] [--merged IDS] [--running IDS] [--failed IDS] [--format text|markdown|json]";

export async function runPlanEligible(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { ...STATE_FLAG_OPTIONS, format: { type: "string", default: "text" } }, USAGE);
  const format = values.format ?? "text";
  if (!["text", "markdown", "json"].includes(format)) throw new WeaveError("usage", `--format must be text, markdown or json, not "${format}"`, { hint: `usage: ${USAGE}` });
  const plan = await readPlan(io, positionals[0]);
  const report = findEligibility(plan, statesFromFlags(plan, values));
  if (format === "json") write(io.stdout, JSON.stringify(report, null, 2));
  else write(io.stdout, format === "markdown" ? renderEligibilityMarkdown(report) : renderEligibilityText(report));
  return 0;
}
