/**
 * A plan's text before any YAML: bytes → a string, refusing what is not a plan at all.
 * Responsibilities: refuse binary (NUL bytes), non-UTF-8 and empty (blank or comments only) input; drop a BOM.
 * Not here: YAML syntax (yaml-syntax.ts, yaml-positions.ts); reading the file (local/read-plan-file.ts).
 * Invariants: pure; a refusal is WeaveError("plan-invalid") with one problem saying what the input is instead.
 */
import { failPlan } from "./plan-failure.js";

/** The plan's text, or a plan-invalid error when it is binary, not UTF-8, or has nothing but comments. */
export function decodePlanText(input: string | Uint8Array, file: string): string {
  const text = decode(input, file);
  if (!/^[ \t]*[^#\s]/m.test(text)) {
    failPlan(file, [{ message: "the plan is empty", hint: "run `weave init` to write an example plan", location: { file, line: 1, column: 1 } }]);
  }
  return text;
}

function decode(input: string | Uint8Array, file: string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  if (input.includes(0)) failPlan(file, [{ message: "this is not a text file (it contains NUL bytes)", hint: "point weave at the YAML plan, e.g. .github/weave.yml" }]);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return failPlan(file, [{ message: "the plan is not UTF-8 text", hint: "save the file as UTF-8" }]);
  }
}
