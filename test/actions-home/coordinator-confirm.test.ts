// `merge: { via: pr, auto: confirm }` in the Actions home: a finished milestone's PR waits for a person. GitHub starts
// the coordinator workflow for each submitted review (`pull_request_review`, run from the PR's test merge
// `refs/pull/<n>/merge` — whose workflow file is the default branch's, since weave's PRs never touch workflows); the
// pass reads the plan from the default branch and takes an approval as the confirmation only from someone GitHub says
// may write. A read-only person's approval and a write person's plain comment review land nothing; a write person's
// approval lands it in that same run. (Fork PRs are not modelled: weave's PRs come from branches of this repository.)
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../github/app-fixtures.js";
import { COORDINATOR, createCoordinatorWorld, o, quiet } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

const CONFIRM = `version: 1
merge: { via: pr, auto: confirm }
worker:
  command: node agent.mjs
milestones:
  - { id: data, title: Data layer, tasks: [model] }
`;

let world: CoordinatorWorld | undefined;
afterEach(async () => {
  await world?.gh.close();
  world = undefined;
});

describe("the coordinator inside Actions, merge.auto: confirm", () => {
  it("lands the milestone's PR on a writer's approving review, and not on a read-only approval or a comment review", async () => {
    world = await createCoordinatorWorld({ plan: CONFIRM, agent: { sleepMs: 100 } });
    const w = world;
    w.repo.setPermission("bob", "read");
    const bob = new Octokit({ baseUrl: w.gh.url, auth: w.gh.users.token("bob"), log: quiet, request: { retries: 0 } });
    const mainBefore = (await w.alice.repos.getBranch({ ...o, branch: "main" })).data.commit.sha;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    const number = await waitFor(async () => (await w.ledger()).milestones.data?.pr, "data's PR opened", 120_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await w.explain()}`);
    });
    // Nothing more happens on its own: no run active, no event in flight.
    await w.gh.settled();
    const { data: pr } = await w.alice.pulls.get({ ...o, pull_number: number });
    expect(pr).toMatchObject({ state: "open", merged: false, head: { ref: "weave/data" }, user: { login: "github-actions[bot]" } });
    expect(pr.body).toContain("weave merges it after an approving review, `/weave merge data`, or the check run's Merge button");
    const waiting = async (): Promise<void> => {
      const r = (await w.ledger()).milestones.data;
      expect(r).toMatchObject({ state: "finished", pr: number });
      expect(r?.mergeRequested ?? false).toBe(false);
    };
    await waiting();

    const reviewRuns = (): ReturnType<typeof runsOf> => runsOf(w, "pull_request_review");
    // A read-only person may review (GitHub shows the approval, grey), and the event starts the workflow; weave asks
    // GitHub for bob's permission and does not take it.
    await bob.pulls.createReview({ ...o, pull_number: number, event: "APPROVE" });
    await w.gh.settled();
    // A writer's review that does not approve is no confirmation either.
    await w.alice.pulls.createReview({ ...o, pull_number: number, event: "COMMENT", body: "Looking; not yet." });
    await w.gh.settled();
    expect(reviewRuns().map((r) => [r.workflowPath, r.actor.login, r.conclusion])).toEqual([[COORDINATOR, "bob", "success"], [COORDINATOR, "alice", "success"]]);
    await waiting();
    expect((await w.alice.pulls.get({ ...o, pull_number: number })).data).toMatchObject({ state: "open", merged: false });
    expect((await w.alice.repos.getBranch({ ...o, branch: "main" })).data.commit.sha).toBe(mainBefore);

    // The confirmation: alice (write) approves; the run that review starts lands the milestone.
    await w.alice.pulls.createReview({ ...o, pull_number: number, event: "APPROVE" });
    const merged = await waitFor(async () => ((await w.ledger()).milestones.data?.state === "merged" ? w.ledger() : undefined), "data merged on the approval", 60_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await w.explain()}`);
    });
    await w.gh.settled();
    expect(merged.milestones.data).toMatchObject({ state: "merged", pr: number });
    expect((await w.alice.pulls.get({ ...o, pull_number: number })).data).toMatchObject({ state: "closed", merged: true });
    const { data: commits } = await w.alice.repos.listCommits({ ...o, sha: "main", per_page: 20 });
    expect(commits[0]?.commit.message).toMatch(/^Weave-Merged: *data$/m);

    const runs = reviewRuns();
    expect(runs.map((r) => [r.actor.login, r.conclusion])).toEqual([["bob", "success"], ["alice", "success"], ["alice", "success"]]);
    // Which file GitHub ran for each review: the PR's test merge (base main + the PR's head), as for pull_request.
    for (const run of runs) {
      expect(run.trigger?.ref).toBe(`refs/pull/${number}/merge`);
      const { data: merge } = await w.alice.git.getCommit({ ...o, commit_sha: run.trigger!.sha });
      expect(merge.parents.map((p) => p.sha)).toEqual([mainBefore, pr.head.sha]);
    }
    // The approval was taken from the event in the run it started; nothing after it was needed.
    expect(runsOf(w).filter((r) => r.workflowPath === COORDINATOR).at(-1)?.event).toBe("pull_request_review");
    expect(w.gh.takeViolations()).toEqual([]);
  }, 180_000);
});

function runsOf(w: CoordinatorWorld, event?: string): ReturnType<CoordinatorWorld["gh"]["actions"]["run"]>[] {
  return [...w.gh.runner.runs.values()].filter((r) => event === undefined || r.event === event).sort((a, b) => a.id - b.id);
}
