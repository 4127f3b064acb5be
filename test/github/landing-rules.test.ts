// Table tests of the App's pure landing rules: the next step for a PR, GitHub's refusals, run correlation, job outcomes.
import { describe, expect, it } from "vitest";
import { WeaveError } from "../../src/core/errors.js";
import { autoMergeRefusal, mergeRefusal, pushRefusal, rateLimitRefusal, updateBranchRefusal, workflowsRefusal } from "../../src/github/github-refusals.js";
import { judgeRun } from "../../src/github/job-outcome.js";
import { nextLandingStep } from "../../src/github/landing-policy.js";
import type { PullSituation } from "../../src/github/landing-policy.js";
import { dispatchIdOf, isLookupDue, isRunOfDispatch } from "../../src/github/run-correlation.js";

describe("nextLandingStep", () => {
  const base: PullSituation = { mergeableState: "clean", autoMerge: false, queue: false, requiresChecks: true };
  it.each<[Partial<PullSituation>, string]>([
    [{}, "merge"],
    [{ mergeableState: "unstable" }, "merge"],
    [{ mergeableState: "unknown" }, "auto-merge"],
    [{ mergeableState: "unknown", requiresChecks: false }, "merge"],
    [{ mergeableState: "blocked" }, "auto-merge"],
    [{ mergeableState: "blocked", autoMerge: true }, "wait"],
    // Strict required checks: auto-merge never updates a behind branch, so weave does, keeping auto-merge armed.
    [{ mergeableState: "behind" }, "update-branch+arm"],
    [{ mergeableState: "behind", autoMerge: true }, "update-branch"],
    [{ mergeableState: "dirty" }, "reanalyse"],
    [{ mergeableState: "draft" }, "wait"],
    // A queue branch: enqueue only what can enter; otherwise GitHub queues it when ready (auto-merge).
    [{ queue: true }, "enqueue"],
    [{ queue: true, mergeableState: "blocked" }, "auto-merge"],
    [{ queue: true, mergeableState: "blocked", autoMerge: true }, "wait"],
    [{ queue: true, mergeableState: "unknown" }, "auto-merge"],
    [{ queue: true, mergeableState: "behind", autoMerge: true }, "update-branch"],
    [{ requiresChecks: false, mergeableState: "blocked" }, "merge"],
  ])("%o → %s", (patch, expected) => {
    const step = nextLandingStep({ ...base, ...patch });
    expect(step.kind === "update-branch" && step.armAutoMerge ? "update-branch+arm" : step.kind).toBe(expected);
  });
});

describe("GitHub's refusals as WeaveError codes", () => {
  it.each<[number, string, string]>([
    [405, "Base branch was modified. Review and try the merge again.", "base-modified"],
    [405, "Pull Request is not mergeable", "not-mergeable-yet"],
    [409, "Head branch was modified. Review and try the merge again.", "head-moved"],
    [405, "Repository rule violations found\n\nRequired status check \"ci\" is expected.\n\n", "merge-blocked"],
    [405, "At least 1 approving review is required by reviewers with write access.", "merge-blocked"],
    [405, "Head branch is out of date. Review and try the merge again.", "head-behind"],
    [422, "Validation Failed", "merge-refused"],
    [405, "Changes must be made through the merge queue", "merge-queue-required"],
    [422, "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission", "workflows-permission"],
  ])("merge: %i %j → %s", (status, message, code) => {
    const error = mergeRefusal(status, message, 7);
    expect(error.code).toBe(code);
    expect(error.hint).toBeTruthy();
  });

  it.each<[string, unknown, string]>([
    // GitHub's GraphQL answer, as the request client wraps it: the PR can merge now, so there is nothing to arm.
    ["clean", new WeaveError("internal", "GitHub request failed: Pull request Pull request is in clean status"), "mergeable-now"],
    ["unstable", new Error("Pull request Pull request is in unstable status\nmore"), "mergeable-now"],
    ["auto-merge off", new WeaveError("internal", "GitHub request failed: Auto merge is not allowed for this repository"), "internal"],
    ["rate limit kept", new WeaveError("rate-limited", "GitHub rate limit: API rate limit exceeded"), "rate-limited"],
    ["clean status on a later line only", new Error("Something else\nis in clean status"), "internal"],
  ])("auto-merge refused: %s → %s", (_what, error, code) => {
    expect(autoMergeRefusal(error, 7).code).toBe(code);
  });

  it("codes a refused update-branch and a rate limit (with when to try again)", () => {
    expect(updateBranchRefusal("expected head sha didn’t match current head ref.", 7, "main").code).toBe("head-moved");
    expect(updateBranchRefusal("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission", 7, "main").code).toBe("workflows-permission");
    const limited = rateLimitRefusal(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000000" }, "API rate limit exceeded", undefined);
    expect(limited?.code).toBe("rate-limited");
    expect(limited?.hint).toContain(new Date(1800000000 * 1000).toISOString());
    expect(rateLimitRefusal(429, { "retry-after": "30" }, "secondary rate limit", undefined)?.hint).toContain("in 30s");
    expect(rateLimitRefusal(403, { "x-ratelimit-remaining": "12" }, "Resource not accessible by integration", undefined)).toBeUndefined();
  });

  it("keeps GitHub's words and names the fix for the workflows refusal", () => {
    const stderr = "To https://github.com/acme/widgets.git\n ! [remote rejected] abc -> weave/M1 (refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission)\nerror: failed to push some refs";
    const error = workflowsRefusal(stderr, "the push to weave/M1")!;
    expect(error.code).toBe("workflows-permission");
    expect(error.message).toContain("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission");
    expect(error.hint).toMatch(/workflows.*permission/);
    expect(workflowsRefusal("! [rejected] main -> main (fetch first)", "the push")).toBeUndefined();
  });

  it.each<[string, string, string | undefined]>([
    ["rules (GH013) with their reasons", "remote: error: GH013: Repository rule violations found for refs/heads/main.\nremote: - Changes must be made through a pull request.\n ! [remote rejected] abc -> main (push declined due to repository rule violations)", "not-authorized"],
    ["a protected branch (GH006)", "remote: error: GH006: Protected branch update failed for refs/heads/main.\n ! [remote rejected] abc -> main (protected branch hook declined)", "not-authorized"],
    ["the workflows permission", " ! [remote rejected] abc -> weave/M1 (refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission)", "workflows-permission"],
    ["not a fast-forward: git's words, not GitHub's", " ! [rejected]        abc -> main (fetch first)\nerror: failed to push some refs", undefined],
    ["a lost connection", "fatal: unable to access 'https://github.com/': Could not resolve host: github.com", undefined],
  ])("push refused: %s", (_what, stderr, code) => {
    expect(pushRefusal(stderr, "refs/heads/main")?.code).toBe(code);
  });

  it("names GitHub's reasons when its rules refuse a push", () => {
    const error = pushRefusal("remote: error: GH013: Repository rule violations found for refs/heads/main.\nremote: - Changes must be made through a pull request.\nremote: - Required status check \"ci\" is expected.\n", "refs/heads/main")!;
    expect(error.message).toBe("GitHub's rules refuse pushes to refs/heads/main: Changes must be made through a pull request.; Required status check \"ci\" is expected.");
  });
});

describe("run correlation", () => {
  it.each<[number, number, boolean]>([
    [0, 500, false],
    [0, 1_000, true],
    [1, 3_999, false],
    [1, 4_000, true],
    [4, 92_000, true],
    [6, 211_999, false],
    [6, 212_000, true],
  ])("after %i lookups, at +%i ms: due %s", (lookups, at, due) => {
    expect(isLookupDue(10_000, lookups, 10_000 + at)).toBe(due);
  });

  it("matches a run to a dispatch only by the dispatch id in GitHub's title", () => {
    expect(dispatchIdOf("weave M1 (r1.M1.1.a1b2c3)")).toBe("r1.M1.1.a1b2c3");
    expect(isRunOfDispatch("weave M1 (r1.M1.1.a1b2c3)", "r1.M1.1.a1b2c3")).toBe(true);
    expect(isRunOfDispatch("weave M1 (r1.M1.2.ffffff)", "r1.M1.1.a1b2c3")).toBe(false);
    expect(isRunOfDispatch("weave M1 (r1.M1.1.a1b2c3)", undefined)).toBe(false);
    expect(isRunOfDispatch(undefined, "x")).toBe(false);
  });
});

describe("job outcome", () => {
  it.each<[string, string | null, number, string]>([
    ["in_progress", null, 0, "alive"],
    ["queued", null, 0, "alive"],
    ["completed", "success", 3, "finished"],
    ["completed", "failure", 3, "finished"],
    ["completed", "success", 2, "dead"],
    ["completed", "cancelled", 0, "dead"],
  ])("run %s/%s with %i/3 checkpoints → %s", (status, conclusion, done, kind) => {
    expect(judgeRun({ status, conclusion }, { tasksDone: done, costUsd: 0.3 }, 3).kind).toBe(kind);
  });

  it("a dead job carries no words of its own: its record's reason is the loop's diedReason (core/failure-reasons.ts)", () => {
    expect(judgeRun({ status: "completed", conclusion: "cancelled" }, { tasksDone: 1, costUsd: 0.1 }, 3)).toEqual({ kind: "dead" });
  });

  it("a run finished from its branch keeps a task's unknown cost: never shown as known", () => {
    expect(judgeRun({ status: "completed", conclusion: "success" }, { tasksDone: 3, costUsd: 0.3, costUnknown: true }, 3)).toEqual({ kind: "finished", tasksDone: 3, costUsd: 0.3, costUnknown: true });
    expect(judgeRun({ status: "completed", conclusion: "success" }, { tasksDone: 3, costUsd: 0.3, costUnknown: false }, 3)).toEqual({ kind: "finished", tasksDone: 3, costUsd: 0.3 });
  });
});
