/**
 * The `workflows` permission: GitHub refuses a GitHub App (an installation token without `workflows: write`, and every
 * `GITHUB_TOKEN`, which can never have it) that creates or updates a file under `.github/workflows/` — by git push, ref
 * update, pull request merge, branch update or auto-merge — with "refusing to allow a GitHub App to create or update
 * workflow `<path>` without `workflows` permission". Responsibilities: who lacks it, which workflow files a ref move
 * changes (for an update: the trees before and after; for a new ref: every commit new to the repository), the words.
 * Not here: the push hook that asks (push-rules.ts). People's tokens carry no scopes in the stand-in, so they pass.
 */
import { ZERO_SHA } from "./git-backend.js";
import type { GitBackend } from "./git-backend.js";
import { HttpError } from "./world.js";
import type { AccessLevel, TokenRecord } from "./world.js";

export const WORKFLOWS_DIR = ".github/workflows/";

/** Whether a credential may create or update workflow files. */
export function mayWriteWorkflows(token: Pick<TokenRecord, "kind" | "permissions"> | undefined): boolean {
  if (token === undefined || token.kind === "user") return true;
  if (token.kind === "actions") return false;
  return token.permissions.workflows === "write";
}

/** Same, for a merge done later by GitHub for an App (auto-merge): the permissions it was enabled with. */
export function permissionsMayWriteWorkflows(permissions: Record<string, AccessLevel> | undefined): boolean {
  return permissions === undefined || permissions.workflows === "write";
}

export const workflowRefusal = (path: string): string => `refusing to allow a GitHub App to create or update workflow \`${path}\` without \`workflows\` permission`;

/** The workflow files a move of a ref from `before` to `after` creates, updates or deletes. */
export async function changedWorkflows(git: GitBackend, before: string, after: string): Promise<string[]> {
  if (after === ZERO_SHA) return [];
  if (before !== ZERO_SHA) return (await git.diffFiles(before, after)).map((f) => f.path).filter((p) => p.startsWith(WORKFLOWS_DIR));
  const fresh = (await git.run(["rev-list", after, "--not", "--all"])).stdout.split("\n").filter(Boolean);
  const touched = new Set<string>();
  for (const commit of fresh) {
    const out = (await git.run(["diff-tree", "-r", "-m", "--root", "--name-only", "--no-commit-id", commit, "--", WORKFLOWS_DIR])).stdout;
    for (const path of out.split("\n").filter(Boolean)) touched.add(path);
  }
  return [...touched].sort();
}

/** Throws GitHub's refusal (403) when `token` may not write workflows and the move changes one. */
export async function refuseWorkflowChange(git: GitBackend, token: Pick<TokenRecord, "kind" | "permissions"> | undefined, before: string, after: string): Promise<void> {
  if (mayWriteWorkflows(token)) return;
  const [first] = await changedWorkflows(git, before, after);
  if (first !== undefined) throw new HttpError(403, workflowRefusal(first));
}
