/** Helpers for the merge-back tests: a plan with a given `merge:` block, what alice can see of the repository, and a CI workflow with the rules that require it. */
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

/** A repository's CI workflow as the stand-in runs it: one job `ci` on every pull request (its check run is `ci`). */
export const CI_WORKFLOW = `name: CI
on:
  pull_request:
jobs:
  test:
    name: ci
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: test -f agent.mjs
`;
/** A ruleset rule requiring the check `ci`; strict: a PR behind its base must be brought up to date first. */
export const STRICT_CI = { type: "required_status_checks", parameters: { required_status_checks: [{ context: "ci" }], strict_required_status_checks_policy: true } };
/** The same rule, not strict. */
export const REQUIRED_CI = { type: "required_status_checks", parameters: { required_status_checks: [{ context: "ci" }], strict_required_status_checks_policy: false } };
