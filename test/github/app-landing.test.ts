// Landing on GitHub's real rules, against the stand-in that enforces them: strict required checks reported by the
// repository's own CI workflow (a behind PR is updated by weave, since auto-merge never updates it), classic branch
// protection (not listed as rulesets), the `workflows` permission, and a resolve job whose GITHUB_TOKEN push starts no CI.
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { CI_WORKFLOW as CI, R, REQUIRED_CI, STRICT_CI, issueComments, mergePlan, stateOf } from "./merge-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SLOW_ONE = "  - { id: a, title: Guarded, tasks: [one] }\n";
const appCalls = (w: AppWorld): Record<string, number> => w.gh.callCounts(`installation:${w.installation.id}`);
const explain = async (w: AppWorld, e: unknown): Promise<never> => {
  throw new Error(`${(e as Error).message}: ${JSON.stringify((await w.ledger()).milestones)} ${w.errors.join("\n")}`);
};

/** A milestone `a` running slowly, and main moving meanwhile (another change landed): its PR opens behind. */
async function behindWorld(extra: { rules?: unknown[]; mainFiles?: Record<string, string>; plan?: string } = {}): Promise<AppWorld> {
  const w = await createAppWorld({ plan: extra.plan ?? mergePlan("{ via: pr, auto: auto }", SLOW_ONE), files: { ".github/workflows/ci.yml": CI }, agent: { sleepMs: 2500 } });
  w.repo.setAllowAutoMerge(true);
  if (extra.rules) await w.repo.setBranchRules("main", extra.rules as never);
  await w.comment("/weave start");
  await waitFor(async () => ["claimed", "running"].includes((await stateOf(w, "a")) ?? ""), "a to start");
  await w.repo.commit({ branch: "main", files: extra.mainFiles ?? { "NOTES.md": "landed meanwhile\n" }, message: "Meanwhile on main" });
  return w;
}

describe("landing on GitHub's rules", () => {
  it("strict required checks from a CI workflow: a behind PR is updated (update-branch), auto-merge stays on, and it lands", { timeout: 180_000 }, async () => {
    world = await behindWorld({ rules: [STRICT_CI] });
    const w = world;
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land once updated and checked").catch((e: unknown) => explain(w, e));
    expect(appCalls(w)["pulls/update-branch"]).toBeGreaterThanOrEqual(1);
    expect(appCalls(w)["pulls/merge"]).toBeUndefined(); // GitHub's auto-merge landed it
    const pr = (await w.alice.pulls.get({ ...R, pull_number: (await w.ledger()).milestones.a!.pr! })).data;
    expect(pr.merged).toBe(true);
    expect(w.errors).toEqual([]);
  });

  it("classic branch protection (strict, required 'ci'), which rulesets do not show: updated when behind, lands after CI", { timeout: 180_000 }, async () => {
    world = await createAppWorld({ plan: mergePlan("{ via: pr, auto: auto }", SLOW_ONE), files: { ".github/workflows/ci.yml": CI }, agent: { sleepMs: 2500 } });
    const w = world;
    w.repo.setAllowAutoMerge(true);
    w.repo.setPermission("alice", "admin");
    await w.alice.repos.updateBranchProtection({ ...R, branch: "main", required_status_checks: { strict: true, contexts: ["ci"] }, enforce_admins: false, required_pull_request_reviews: null, restrictions: null });
    w.repo.setPermission("alice", "write");
    await w.comment("/weave start");
    await waitFor(async () => ["claimed", "running"].includes((await stateOf(w, "a")) ?? ""), "a to start");
    await w.repo.commit({ branch: "main", files: { "NOTES.md": "landed meanwhile\n" }, message: "Meanwhile on main" });
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land under classic protection").catch((e: unknown) => explain(w, e));
    expect(appCalls(w)["pulls/update-branch"]).toBeGreaterThanOrEqual(1);
    expect(w.errors).toEqual([]);
  });

  it("the workflows permission: updating a PR with a main that changed .github/workflows/ is refused; blocked with GitHub's words and the fix", { timeout: 180_000 }, async () => {
    const lint = "name: lint\non: workflow_dispatch\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n";
    world = await behindWorld({ rules: [STRICT_CI], mainFiles: { ".github/workflows/lint.yml": lint } });
    const w = world;
    const words = "refusing to allow a GitHub App to create or update workflow `.github/workflows/lint.yml` without `workflows` permission";
    const record = await waitFor(async () => {
      const r = (await w.ledger()).milestones.a;
      return r?.reason?.includes(words) ? r : undefined;
    }, "a to be blocked with GitHub's words").catch((e: unknown) => explain(w, e));
    expect(record.mergeBlocked).toBe(true);
    expect(record.reason).toMatch(/grant the weave App the `workflows`/);
    expect((await issueComments(w, w.issue)).some((b) => b.includes(words))).toBe(true);
    expect(w.errors).toEqual([]);
  });

  it("a resolve job's push (its GITHUB_TOKEN starts no CI) is pushed again by the App, so required checks run and it lands", { timeout: 240_000 }, async () => {
    world = await createAppWorld({
      plan: mergePlan("{ via: pr, auto: auto, resolve: agent }", "  - { id: a, title: Edits, tasks: [one] }\n"),
      files: { "shared.txt": "base\n", ".github/workflows/ci.yml": CI },
      agent: { sleepMs: 200, sleep: { "a:1": 3000 }, write: { "a:1": { "shared.txt": "from a\n" } } },
    });
    const w = world;
    w.repo.setAllowAutoMerge(true);
    await w.repo.setBranchRules("main", [REQUIRED_CI]);
    await w.comment("/weave start");
    await waitFor(async () => ["claimed", "running"].includes((await stateOf(w, "a")) ?? ""), "a to start");
    await w.repo.commit({ branch: "main", files: { "shared.txt": "from main\n" }, message: "Meanwhile on main" });
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land after the agent resolved it and CI ran").catch((e: unknown) => explain(w, e));
    expect(await w.repo.readFile("main", "shared.txt")).toBe("resolved by the agent\n");
    expect(w.errors).toEqual([]);
  });
});
