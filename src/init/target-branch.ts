/**
 * Which branch `weave init` writes into the coordinator workflow's `push` trigger: the branch milestones merge into,
 * as the coordinator will resolve it (the plan's `target`, else the repository's default branch).
 * Responsibilities: read that branch from the plan init is about to replace (when it sets `target`), else from git —
 * origin's default branch (`refs/remotes/origin/HEAD`), else the checked-out branch (an unborn one too), else `main` —
 * and say where it came from; render it as a `branches:` filter entry that matches exactly that branch.
 * Not here: writing the files (cli/commands/init.ts), the workflow (init/coordinator-workflow.ts), how the running
 * coordinator resolves the target (the plan read from the default branch on GitHub).
 * Invariants: the branch is always a valid branch name (core/plan/branch-name.ts), whatever a plan or git says; the
 * rendered filter is one YAML scalar that GitHub's filter syntax reads as that literal name.
 */
import { parse } from "yaml";
import { isBranchName } from "../core/plan/branch-name.js";
import { createGit } from "../git/git-executor.js";

/** Where the branch came from: the plan's `target`, origin's HEAD, the checked-out branch, or nothing (`main`). */
export type TargetSource = "plan" | "origin" | "checkout" | "fallback";

export interface TargetBranch {
  branch: string;
  source: TargetSource;
}

export const FALLBACK_TARGET = "main";

/** The `target:` a plan text sets, when it is a branch name; undefined for no plan, no target, or text that is not YAML. */
export function planTarget(planText: string | undefined): string | undefined {
  if (planText === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parse(planText);
  } catch {
    return undefined;
  }
  const target = doc && typeof doc === "object" ? (doc as { target?: unknown }).target : undefined;
  return typeof target === "string" && isBranchName(target) ? target : undefined;
}

/** The branch the coordinator's `push` trigger should name for the repository at `root` (whose plan text is `planText`). */
export async function chooseTargetBranch(root: string, planText: string | undefined): Promise<TargetBranch> {
  const fromPlan = planTarget(planText);
  if (fromPlan) return { branch: fromPlan, source: "plan" };
  const git = createGit(root);
  const ask = async (args: string[]): Promise<string | undefined> => {
    const r = await git.exec(args);
    const out = r.code === 0 ? r.stdout.trim() : "";
    return out && isBranchName(out) ? out : undefined;
  };
  const origin = (await ask(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]))?.replace(/^origin\//, "");
  if (origin && isBranchName(origin)) return { branch: origin, source: "origin" };
  const checkout = await ask(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (checkout) return { branch: checkout, source: "checkout" };
  return { branch: FALLBACK_TARGET, source: "fallback" };
}

/** How init's output names where the branch came from. */
export function describeTargetSource(source: TargetSource): string {
  switch (source) {
    case "plan": return "the target of the plan this replaced, kept in the new plan";
    case "origin": return "origin's default branch, refs/remotes/origin/HEAD";
    case "checkout": return "the checked-out branch; no origin/HEAD to read the default branch from";
    case "fallback": return "no plan target, no origin/HEAD and no checked-out branch";
  }
}

/**
 * `branch` as one entry of a `branches:` filter: the filter characters a branch name may hold (`+`, a leading `!`;
 * git refuses `*`, `?`, `[` and `\`) escaped with `\`, the only ones GitHub lets be escaped, and the whole
 * double-quoted (JSON is YAML) unless it is plain letters, digits, `._/-`.
 */
export function branchFilter(branch: string): string {
  const escaped = branch.replace(/\+/g, "\\+").replace(/^!/, "\\!");
  return /^[A-Za-z0-9._/-]+$/.test(escaped) ? escaped : JSON.stringify(escaped);
}
