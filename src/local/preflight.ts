/**
 * Preflight: what must be true of a repository before the local coordinator touches it.
 * Responsibilities: git ≥ 2.38 with a commit identity (local/git-requirements.ts), inside a git repository with a commit, target branch exists, `.weave/` is git-ignored (say
 * which line to add), the target checkout is clean, and we are not inside a weave worker (no nested runs).
 * Not here: the coordinator lock (local/locks.ts), per-milestone worktree checks (local/run-actions.ts).
 * Invariants: every refusal is a WeaveError with a hint that says exactly what to do.
 */
import { WeaveError } from "../core/errors.js";
import { WORKER_ENV_MARK } from "../worker/worker-loop.js";
import { checkGitRequirements } from "./git-requirements.js";
import type { RepoGit } from "./repo-git.js";

export function refuseNestedRun(env: NodeJS.ProcessEnv): void {
  if (env[WORKER_ENV_MARK]) {
    throw new WeaveError("nested-run", `weave start refuses to run inside a weave worker (milestone ${env.WEAVE_MILESTONE ?? "?"})`, {
      hint: "an agent cannot start its own swarm: finish this milestone's task instead",
    });
  }
}

/** The target branch (plan's `target`, else the checked-out branch), after every check passed. */
export async function preflight(git: RepoGit, planTarget: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  await checkGitRequirements(git.root, env);
  const current = await git.currentBranch();
  const target = planTarget ?? current;
  if (!target) throw new WeaveError("git-failed", "HEAD is detached and the plan names no target branch", { hint: "check out the branch milestones should merge into, or set `target:` in the plan" });
  if (!(await git.revParse("HEAD")) && target === current) {
    throw new WeaveError("git-failed", `the repository has no commits yet (branch ${target} is unborn)`, { hint: "commit the plan first:  git add .github .gitignore && git commit -m \"weave plan\"" });
  }
  if (!(await git.revParse(target))) throw new WeaveError("git-failed", `target branch ${target} does not exist`, { hint: "create it, or set `target:` in the plan to an existing branch" });
  if (!(await git.isIgnored(".weave/state.json"))) {
    throw new WeaveError("not-ignored", ".weave/ is not git-ignored: weave keeps worktrees and run files there", { hint: "add this line to .gitignore and commit it:  .weave/" });
  }
  if (current === target) {
    const dirty = (await git.statusPorcelain()).split("\n").filter(Boolean);
    if (dirty.length > 0) {
      throw new WeaveError("dirty-checkout", `the target checkout (${target}) has uncommitted changes: ${dirty.slice(0, 5).map((l) => l.slice(3)).join(", ")}${dirty.length > 5 ? ", …" : ""}`, {
        hint: "commit or stash them first: merges move this checkout forward",
      });
    }
  }
  return target;
}
