// PR mode with required CI and no server: GitHub starts no workflow for a push or a PR made with GITHUB_TOKEN (the
// stand-in enforces it, test/harness/event-runs.ts), so strict required checks on main would hold every milestone PR
// forever. With an App's id and private key in the repository's secrets (given to the coordinator job only), the
// coordinator mints the App's installation token and opens, updates and merges the PRs with it: CI runs on them,
// GitHub's auto-merge lands them, and the App's merge pushes wake the coordinator. The App has no server and no
// webhook URL: nothing but workflow runs acts here. Check runs and dispatches stay GITHUB_TOKEN's.
// Without those secrets the same setup never lands: the PR github-actions opened starts no CI, the run comes to rest
// (no run, no event left: the stand-in's state, not a timeout), and the milestone's reason says the checks will
// never run and what fixes it — which, done, lands it.
import { afterEach, describe, expect, it } from "vitest";
import { APP_ID_ENV, APP_KEY_ENV } from "../../src/actions-home/app-token.js";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { waitFor } from "../github/app-fixtures.js";
import { allMerged, COORDINATOR, coordinatorCalls, createCoordinatorWorld, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import { CI_WORKFLOW as CI, STRICT_CI } from "../github/merge-fixtures.js";


const DIAMOND_PR = `version: 1
max_workers: 2
retries: 1
heartbeat_timeout: 5m
merge: { via: pr, auto: auto }
worker:
  command: node agent.mjs
milestones:
  - { id: data, title: Data layer, tasks: [model, repo] }
  - { id: api, title: API routes, depends_on: [data], tasks: [routes] }
  - { id: ui, title: UI components, depends_on: [data], tasks: [list] }
  - { id: integration, title: Integration, depends_on: [api, ui], tasks: [wire] }
`;
const ONE_PR = `version: 1
merge: { via: pr, auto: auto }
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

/** The App the user registered for this (no server, no webhook): its id and key become repository secrets. */
function appSecrets(gh: GitHubStandIn): Record<string, string> {
  const app = gh.apps.create({ slug: "acme-lander", permissions: { metadata: "read", contents: "write", pull_requests: "write" }, events: [] });
  app.install("acme", { repositories: ["widgets"] });
  return { [APP_ID_ENV]: String(app.id), [APP_KEY_ENV]: app.privateKey };
}

describe("the coordinator inside Actions, PR mode with required CI", () => {
  it("lands a diamond plan through PRs behind strict required checks, with an App token from secrets for pushes and PRs only", async () => {
    world = await createCoordinatorWorld({ plan: DIAMOND_PR, agent: { sleepMs: 100 }, files: { ".github/workflows/ci.yml": CI }, secrets: appSecrets, allowAutoMerge: true });
    const w = world;
    await w.repo.setBranchRules("main", [STRICT_CI]);
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    const done = await allMerged(w, 4, 300_000);
    await w.gh.settled();

    // Every milestone landed through its own PR, opened by the App (so CI ran on it), merged after "ci" passed.
    const prs = (await w.alice.pulls.list({ ...o, state: "all", per_page: 100 })).data;
    expect(prs.map((p) => p.head.ref).sort()).toEqual(["weave/api", "weave/data", "weave/integration", "weave/ui"]);
    for (const p of prs) {
      expect(p.user?.login, p.head.ref).toBe("acme-lander[bot]");
      expect(p.merged_at, p.head.ref).not.toBeNull();
      expect(done.milestones[p.head.ref.slice("weave/".length)]?.pr).toBe(p.number);
    }
    const runs = [...w.gh.runner.runs.values()];
    const ci = runs.filter((r) => r.workflowPath === ".github/workflows/ci.yml");
    expect(ci.every((r) => r.event === "pull_request")).toBe(true);
    expect(new Set(ci.filter((r) => r.conclusion === "success").map((r) => r.trigger?.ref))).toEqual(new Set(prs.map((p) => `refs/pull/${p.number}/merge`)));
    // Strict checks: at least one PR was behind main when its turn came (api and ui run side by side), and was
    // updated by the App, so CI ran again on its new head.
    expect(ci.length).toBeGreaterThan(prs.length);
    // The App's merge pushes to main wake the coordinator (a GITHUB_TOKEN push would not).
    expect(runs.some((r) => r.workflowPath === COORDINATOR && r.event === "push")).toBe(true);
    // Check runs are still made with GITHUB_TOKEN (the github-actions App), so workers and buttons keep working.
    for (const id of ["data", "api", "ui", "integration"]) {
      const check = (await w.alice.checks.get({ ...o, check_run_id: done.milestones[id]!.checkRunId! })).data;
      expect(check.app?.slug, id).toBe("github-actions");
    }
    // The worker job never sees the App's credentials: its workflow does not name them.
    const workerText = renderWorkerWorkflow({ actionRef: "./action", coordinator: "actions" });
    expect(workerText).not.toContain(APP_ID_ENV);
    expect(workerText).not.toContain(APP_KEY_ENV);
    expect(runs.filter((r) => r.workflowPath === WORKER).map((r) => r.conclusion)).toEqual(["success", "success", "success", "success"]);
    expect(coordinatorCalls(w).every(Number.isFinite)).toBe(true);
    // Every App token a coordinator job minted was revoked at that job's end.
    const counts = w.gh.callCounts();
    expect(counts["apps/create-installation-access-token"]).toBeGreaterThan(0);
    expect(counts["apps/revoke-installation-access-token"]).toBe(counts["apps/create-installation-access-token"]);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 360_000);

  it("without the App secrets never lands: the PR github-actions opened starts no CI, weave says so and what fixes it, and the fix lands it", async () => {
    world = await createCoordinatorWorld({ plan: ONE_PR, agent: { sleepMs: 100 }, files: { ".github/workflows/ci.yml": CI }, allowAutoMerge: true });
    const w = world;
    await w.repo.setBranchRules("main", [STRICT_CI]);
    const mainBefore = (await w.alice.repos.getBranch({ ...o, branch: "main" })).data.commit.sha;
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave start" });
    await waitFor(async () => (await w.ledger()).milestones.data?.pr, "data's PR opened", 120_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await w.explain()}`);
    });
    // Nothing is left to start anything: no run active, no event in flight. That is the end of the story, not a pause.
    await w.gh.settled();
    // A liveness tick changes nothing either.
    await w.gh.actions.schedule("acme/widgets");
    await w.gh.settled();

    const [pr, ...others] = (await w.alice.pulls.list({ ...o, state: "all" })).data;
    expect(others).toEqual([]);
    expect(pr).toMatchObject({ state: "open", merged_at: null, head: { ref: "weave/data" }, user: { login: "github-actions[bot]" } });
    // GitHub's rule: a PR (and a push) made with GITHUB_TOKEN starts no workflow, so "ci" never runs on it.
    const runs = [...w.gh.runner.runs.values()];
    expect(runs.filter((r) => r.workflowPath === ".github/workflows/ci.yml")).toEqual([]);
    expect(runs.filter((r) => r.workflowPath === COORDINATOR).every((r) => r.conclusion === "success")).toBe(true);
    expect((await w.alice.repos.getBranch({ ...o, branch: "main" })).data.commit.sha).toBe(mainBefore);
    // What a person sees: the milestone is merging, its PR's auto-merge armed, waiting on GitHub for required checks —
    // in the ledger and on the status comment. (The closing look of the tick must not take the open PR for closed.)
    expect(pr!.auto_merge).not.toBeNull();
    const ledger = await w.ledger();
    const record = ledger.milestones.data!;
    expect(record).toMatchObject({ state: "merging", pr: pr!.number, autoMerge: "auto-merge" });
    expect(record.reason).toBe(`auto-merge is on for #${pr!.number}: GitHub merges it once required checks and reviews pass — a PR made with GITHUB_TOKEN starts no workflows: its required checks never run. Add the repository secrets WEAVE_APP_ID and WEAVE_APP_PRIVATE_KEY (a GitHub App of yours), close #${pr!.number} and say \`/weave merge data\`: weave opens it again as the App, and CI runs`);
    const { data: status } = await w.alice.issues.getComment({ ...o, comment_id: ledger.run!.commentId! });
    expect(status.body).toContain(`| **data** | merging | 1/1 | $0.10 | — | \`#${pr!.number}\` | ${record.reason} |`);
    expect(w.gh.callCounts()["apps/create-installation-access-token"]).toBeUndefined();

    // What the note says works: the App's secrets added, the PR closed, `/weave merge data` — a new PR by the App, CI, landed.
    Object.assign(w.repo.record.secrets, appSecrets(w.gh));
    await w.alice.pulls.update({ ...o, pull_number: pr!.number, state: "closed" });
    await w.alice.issues.createComment({ ...o, issue_number: w.issue, body: "/weave merge data" });
    const done = await allMerged(w, 1, 120_000);
    await w.gh.settled();
    const again = (await w.alice.pulls.get({ ...o, pull_number: done.milestones.data!.pr! })).data;
    expect(again).toMatchObject({ merged: true, user: { login: "acme-lander[bot]" } });
    expect(again.number).not.toBe(pr!.number);
    expect(w.gh.runner.runs.size).toBeGreaterThan(runs.length);
    expect([...w.gh.runner.runs.values()].filter((r) => r.workflowPath === ".github/workflows/ci.yml").map((r) => [r.trigger?.ref, r.conclusion])).toContainEqual([`refs/pull/${again.number}/merge`, "success"]);
    expect(w.gh.takeViolations()).toEqual([]);
  }, 240_000);
});
