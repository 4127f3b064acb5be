/**
 * "Merged" needs evidence on the target's first-parent chain (issue 13): a milestone branch's own commit whose message
 * carries `Weave-Merged: B` never marks B merged, even after weave merged that branch; and the target's messages are
 * judged by the same pure reader as the App's (core/merged-evidence.ts). Real git.
 */
import { describe, expect, it } from "vitest";
import { landedIds } from "../../src/core/merged-evidence.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { mergeMilestoneLocally } from "../../src/local/local-merge.js";
import { createRepoGit } from "../../src/local/repo-git.js";
import { planYaml, repoForTest } from "./local-fixtures.js";

describe("merged milestones found in git", () => {
  it("count only trailers on the first-parent chain: weave's merge commits, not a branch's own commits", async (t) => {
    const yaml = planYaml("  - { id: A, tasks: [t] }\n  - { id: B, tasks: [t] }\n");
    const repo = await repoForTest(t, yaml);
    repo.git("checkout", "-q", "-b", "weave/A");
    repo.git("commit", "-q", "--allow-empty", "-m", "agent work\n\nWeave-Merged: B");
    repo.git("checkout", "-q", "main");
    const git = createRepoGit(repo.dir);
    const plan = parsePlan(yaml, "weave.yml");
    const outcome = await mergeMilestoneLocally({ git, plan, milestone: plan.milestones[0]!, target: "main", costUsd: 0 });
    expect(outcome.kind).toBe("merged");
    // weave made a merge commit (never a fast-forward onto the branch's commits): the branch's commit is parent 2.
    expect(repo.git("rev-list", "--parents", "-n1", "main").split(" ")).toHaveLength(3);
    expect([...(await git.mergedMilestones("main"))]).toEqual(["A"]);
  });

  it("judge the target's messages as the App does (core/merged-evidence.ts): two milestones named in one commit count for none", async (t) => {
    const yaml = planYaml("  - { id: A, tasks: [t] }\n  - { id: B, tasks: [t] }\n  - { id: C, tasks: [t] }\n");
    const repo = await repoForTest(t, yaml);
    // A person's squash on the target of a branch whose commits carry forged trailers (git's trailer block names both).
    repo.git("commit", "-q", "--allow-empty", "-m", "squash of A and B\n\nWeave-Merged: A\nWeave-Merged: B");
    // weave's own merge commit: both trailers name one milestone.
    repo.git("commit", "-q", "--allow-empty", "-m", "weave: merge C\n\nWeave-Merged: C\nWeave-Milestone: C");
    const messages = repo.git("log", "--first-parent", "--format=%B%x00", "main").split("\0");
    const app = landedIds(messages, "Merged");
    expect([...app]).toEqual(["C"]);
    // Before, `git log --format=%(trailers:key=Weave-Merged)` here said A, B and C.
    expect([...(await createRepoGit(repo.dir).mergedMilestones("main"))].sort()).toEqual([...app].sort());
  });
});
