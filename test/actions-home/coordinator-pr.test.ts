// PR mode with required CI and no server: GitHub starts no workflow for a push or a PR made with GITHUB_TOKEN (the
// stand-in enforces it, test/harness/event-runs.ts), so strict required checks on main would hold every milestone PR
// forever. With an App's id and private key in the repository's secrets (given to the coordinator job only), the
// coordinator mints the App's installation token and opens, updates and merges the PRs with it: CI runs on them,
// GitHub's auto-merge lands them, and the App's merge pushes wake the coordinator. The App has no server and no
// webhook URL: nothing but workflow runs acts here. Check runs and dispatches stay GITHUB_TOKEN's.
import { afterEach, describe, expect, it } from "vitest";
import { APP_ID_ENV, APP_KEY_ENV } from "../../src/actions-home/app-token.js";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
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
});
