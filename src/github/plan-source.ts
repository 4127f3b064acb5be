/**
 * Plan source for the App: `.github/weave.yml` on the repository's default branch — never a PR head or a milestone
 * branch — parsed once per commit.
 * Not here: parsing (core/plan/parse-plan.ts).
 * Invariants: throws WeaveError plan-not-found / plan-invalid with file, line and column.
 */
import { WeaveError } from "../core/errors.js";
import { parsePlan } from "../core/plan/parse-plan.js";
import type { Plan } from "../core/plan/plan.js";
import type { RepoClient } from "./repo-client.js";
import type { RepoSession } from "./repo-session.js";
import { PLAN_PATH } from "../core/plan/plan-path.js";


export async function loadPlan(session: RepoSession, client: RepoClient, fresh = false): Promise<Plan> {
  if (session.plans.current && !fresh) return session.plans.current.plan;
  const branch = await client.defaultBranch();
  const file = await client.readFile(PLAN_PATH, branch);
  if (!file) throw new WeaveError("plan-not-found", `no plan at ${PLAN_PATH} on the default branch (${branch})`, { hint: "add one (`weave init` writes an example), then say `/weave start` again" });
  if (session.plans.current?.sha === file.sha) return session.plans.current.plan;
  const plan = parsePlan(file.text, PLAN_PATH);
  session.plans.current = { sha: file.sha, plan };
  return plan;
}
