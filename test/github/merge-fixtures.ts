/** Helpers for the merge-back tests: a plan with a given `merge:` block, and what alice can see of the repository. */
import type { AppWorld } from "./app-fixtures.js";

export const R = { owner: "acme", repo: "widgets" };

export const mergePlan = (merge: string, milestones: string): string => `version: 1
max_workers: 2
heartbeat_timeout: 20s
merge: ${merge}
worker:
  command: node agent.mjs
  heartbeat_interval: 200ms
milestones:
${milestones}`;

export const stateOf = async (w: AppWorld, id: string): Promise<string | undefined> => (await w.ledger()).milestones[id]?.state;
export const pulls = async (w: AppWorld) => (await w.alice.pulls.list({ ...R, state: "all" })).data;
export const mainLog = async (w: AppWorld) => (await w.alice.repos.listCommits({ ...R, sha: "main", per_page: 100 })).data;
export const branchExists = async (w: AppWorld, branch: string): Promise<boolean> => (await w.repo.head(branch)) !== undefined;
export const issueComments = async (w: AppWorld, issue: number): Promise<string[]> => (await w.alice.issues.listComments({ ...R, issue_number: issue })).data.map((c) => c.body ?? "");
