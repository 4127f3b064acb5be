/**
 * Where a repository's plan lives: the one path every home reads it from (the CLI's default, the App's and the
 * coordinator's plan source on the default branch, the Action, `weave init`).
 * Not here: reading or parsing it (core/plan/parse-plan.ts, github/plan-source.ts, cli/plan-arg.ts).
 * Invariants: one constant; nothing else spells the path.
 */
export const PLAN_PATH = ".github/weave.yml";
