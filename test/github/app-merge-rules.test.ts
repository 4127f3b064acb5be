// Merge-back where the target's rules have a say: required checks (GitHub's native auto-merge, or weave waiting for
// the checks' events), a merge queue (enqueued, never merged around), and a branch that refuses direct pushes.
import { afterEach, describe, expect, it } from "vitest";
import { mergeQueueDefaults } from "../harness/branch-rules.js";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { R, REQUIRED_CI, branchExists, mainLog, mergePlan, stateOf } from "./merge-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ONE = "  - { id: a, title: Guarded, tasks: [one] }\n";
const appCalls = (w: AppWorld): Record<string, number> => w.gh.callCounts(`installation:${w.installation.id}`);

describe("merge-back under branch rules", () => {
  it("required checks: turns on GitHub's auto-merge, which lands the PR with weave's message once CI passes", { timeout: 150_000 }, async () => {
    world = await createAppWorld({ plan: mergePlan("{ via: pr, auto: auto }", ONE) });
    const w = world;
    await w.repo.setBranchRules("main", [REQUIRED_CI]);
    w.repo.setAllowAutoMerge(true);
    await w.comment("/weave start");
    await waitFor(async () => (await stateOf(w, "a")) === "merging", "a to be handed to auto-merge").catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify((await w.ledger()).milestones.a)} ${w.errors.join("\n")}`);
    });
    const pr = (await w.alice.pulls.get({ ...R, pull_number: (await w.ledger()).milestones.a!.pr! })).data;
    expect(pr.merged).toBe(false);
    expect(pr.auto_merge).not.toBeNull();
    expect(appCalls(w)["pulls/merge"]).toBeUndefined();
    // A tick while it waits looks at the open PR (GitHub says `merged: false` of it): still merging, not "closed".
    await w.server.weave.tick();
    expect((await w.ledger()).milestones.a).toMatchObject({ state: "merging", pr: pr.number, autoMerge: "auto-merge" });

    await w.gh.ci.report("acme/widgets", pr.head.sha, "ci", "success");
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to land through auto-merge");
    const merged = (await w.alice.pulls.get({ ...R, pull_number: pr.number })).data;
    expect(merged.merged).toBe(true);
    expect((await mainLog(w))[0]!.commit.message).toContain("Weave-Milestone: a");
    expect(await branchExists(w, "weave/a")).toBe(false);
    expect(w.errors).toEqual([]);
  });

  it("required checks without auto-merge allowed: waits for the checks' events, then merges", { timeout: 150_000 }, async () => {
    world = await createAppWorld({ plan: mergePlan("{ via: pr, auto: auto }", ONE) });
    const w = world;
    await w.repo.setBranchRules("main", [REQUIRED_CI]);
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.a?.waitingFor === "checks", "a to wait for its checks");
    expect(await stateOf(w, "a")).toBe("finished");
    const pr = (await w.alice.pulls.get({ ...R, pull_number: (await w.ledger()).milestones.a!.pr! })).data;
    await w.gh.ci.report("acme/widgets", pr.head.sha, "ci", "success");
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to merge once CI passed");
    expect(appCalls(w)["pulls/merge"]).toBeGreaterThanOrEqual(1);
    expect(w.errors).toEqual([]);
  });

  it("merge queue: enqueues the PR once its required checks pass (GitHub admits it only then), never merges around the queue", { timeout: 150_000 }, async () => {
    world = await createAppWorld({ plan: mergePlan("{ via: pr, auto: auto }", ONE) });
    const w = world;
    await w.repo.setBranchRules("main", [{ type: "merge_queue", parameters: { ...mergeQueueDefaults } }, REQUIRED_CI]);
    await w.comment("/weave start");
    // Checks not reported yet (and no auto-merge to queue it when ready): it waits, and the check's event retries it.
    await waitFor(async () => (await w.ledger()).milestones.a?.waitingFor === "checks", "a to wait for its checks");
    expect(await stateOf(w, "a")).toBe("finished");
    const pr = (await w.alice.pulls.get({ ...R, pull_number: (await w.ledger()).milestones.a!.pr! })).data;
    await w.gh.ci.report("acme/widgets", pr.head.sha, "ci", "success");
    await waitFor(async () => (await stateOf(w, "a")) === "merging", "a to be enqueued");
    expect((await w.ledger()).milestones.a!.autoMerge).toBe("queue");
    // The queue tests its merge group (gh-readonly-queue/main/pr-<n>-<sha>): CI reports there, as GitHub's CI would.
    const group = await waitFor(async () => (await w.alice.git.listMatchingRefs({ ...R, ref: "heads/gh-readonly-queue/main/" })).data[0], "the merge group");
    await w.gh.ci.report("acme/widgets", group.object.sha, "ci", "success");
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "the queue to land a");
    expect((await w.alice.pulls.get({ ...R, pull_number: pr.number })).data.merged).toBe(true);
    expect(appCalls(w)["pulls/merge"]).toBeUndefined();
    expect(await branchExists(w, "weave/a")).toBe(false);
    expect(w.errors).toEqual([]);
  });

  it("direct: a target that refuses direct pushes blocks the milestone with GitHub's words, and nothing is forced", { timeout: 120_000 }, async () => {
    world = await createAppWorld({ plan: mergePlan("{ via: direct, auto: auto }", ONE) });
    const w = world;
    await w.repo.setBranchRules("main", [{ type: "pull_request", parameters: { required_approving_review_count: 0, dismiss_stale_reviews_on_push: false, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } }]);
    const before = await w.repo.head("main");
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.a?.mergeBlocked === true, "a to be blocked", 60_000).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify((await w.ledger()).milestones.a)} ${w.errors.join("\n")}`);
    });
    const record = (await w.ledger()).milestones.a!;
    expect(record.state).toBe("finished");
    expect(record.reason).toMatch(/refuses direct pushes; use `merge.via: pr`/);
    expect(await w.repo.head("main")).toBe(before);
    expect(w.errors).toEqual([]);
  });
});
