// Merge-back through pull requests end to end: the App opens and merges milestone PRs in auto, confirm and manual
// modes, with the scope check.
import { afterEach, describe, expect, it } from "vitest";
import { createAppWorld, waitFor } from "./app-fixtures.js";
import type { AppWorld } from "./app-fixtures.js";
import { R, mergePlan, stateOf, pulls, branchExists, issueComments } from "./merge-fixtures.js";

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("merge-back through pull requests", () => {
  it("auto: opens the PR, merges it with the trailer once mergeable, deletes the branch, then dispatches the dependent", { timeout: 180_000 }, async () => {
    world = await createAppWorld({
      plan: mergePlan("{ via: pr, auto: auto }", `  - { id: a, title: First, files: ["a-*.txt"], tasks: [one, two] }
  - { id: b, title: Second, depends_on: [a], files: ["b-*.txt"], tasks: [one] }
`),
    });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await stateOf(w, "b")) === "merged", "b to be merged", 150_000);

    const all = await pulls(w);
    expect(all.map((p) => [p.head.ref, p.base.ref, p.merged_at !== null]).sort()).toEqual([["weave/a", "main", true], ["weave/b", "main", true]]);
    const prA = (await w.alice.pulls.get({ ...R, pull_number: all.find((p) => p.head.ref === "weave/a")!.number })).data;
    expect(prA.title).toBe("weave: a — First");
    expect(prA.body).toContain("- [x] one");
    expect(prA.body).toContain("**Cost:** $0.2000");
    expect(prA.body).toMatch(/### Commits \(2\)/);
    const prB = all.find((p) => p.head.ref === "weave/b")!;
    expect(prB.body).toContain("**Depends on:** `a` (merged, #");
    // The merge commit is the PR's, and carries the trailer weave finds landed milestones by.
    const mergeA = (await w.alice.git.getCommit({ ...R, commit_sha: prA.merge_commit_sha! })).data;
    expect(mergeA.message).toContain("Weave-Milestone: a");
    expect(mergeA.parents).toHaveLength(2);
    // b started from main with a on it: dispatched only after a landed.
    const ledger = await w.ledger();
    expect(ledger.milestones.b!.sha).toBe(prA.merge_commit_sha);
    expect(ledger.milestones.a!.pr).toBe(prA.number);
    expect(await branchExists(w, "weave/a")).toBe(false);
    expect(await branchExists(w, "weave/b")).toBe(false);
    expect(w.errors).toEqual([]);
  });

  it("confirm: waits for an approving review; merge.scope strict blocks a milestone that strayed until --force", { timeout: 180_000 }, async () => {
    world = await createAppWorld({
      plan: mergePlan("{ via: pr, auto: confirm, scope: strict }", `  - { id: a, title: Docs, files: ["docs/**"], tasks: [one] }
  - { id: c, title: Code, files: ["c-*.txt"], tasks: [one] }
`),
      // The agent also plants a file under .weave/: never weave's own, so outside the scope too (issue 13).
      agent: { write: { "a:1": { ".weave/evil.sh": "echo pwned\n" } } },
    });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.c?.pr !== undefined && (await w.ledger()).milestones.a?.pr !== undefined, "both PRs to be opened");
    await w.server.weave.idle();
    expect(await stateOf(w, "c")).toBe("finished"); // confirm: no merge without a confirmation
    const ledger = await w.ledger();
    const prA = (await w.alice.pulls.get({ ...R, pull_number: ledger.milestones.a!.pr! })).data;
    expect(prA.body).toContain("changed 2 files outside its declared `files`");
    expect(prA.body).toContain("- `a-1.txt`");
    expect(prA.body).toContain("- `.weave/evil.sh`");

    const { Octokit } = await import("@octokit/rest");
    w.repo.setPermission("bob", "write");
    const bob = new Octokit({ baseUrl: w.gh.url, auth: w.gh.users.token("bob") });
    await bob.pulls.createReview({ ...R, pull_number: ledger.milestones.c!.pr!, event: "APPROVE" });
    await waitFor(async () => (await stateOf(w, "c")) === "merged", "c to merge after the approval");

    // a changed a file outside docs/**: strict scope refuses, with a comment, until --force.
    await w.comment("/weave merge a");
    await waitFor(async () => (await w.ledger()).milestones.a?.mergeBlocked === true, "a to be blocked by scope");
    expect(await stateOf(w, "a")).toBe("finished");
    expect((await issueComments(w, prA.number)).some((b) => b.includes("`merge.scope: strict` blocks the merge") && b.includes("`a-1.txt`") && b.includes("`.weave/evil.sh`"))).toBe(true);
    await w.comment("/weave merge a --force");
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to merge with --force");
    expect(w.errors).toEqual([]);
  });

  it("manual: an approval is not enough; /weave merge lands it", { timeout: 120_000 }, async () => {
    world = await createAppWorld({ plan: mergePlan("{ via: pr, auto: manual }", "  - { id: a, title: Only, tasks: [one] }\n") });
    const w = world;
    await w.comment("/weave start");
    await waitFor(async () => (await w.ledger()).milestones.a?.pr, "the PR to be opened");
    const pr = (await w.ledger()).milestones.a!.pr!;
    await w.alice.pulls.createReview({ ...R, pull_number: pr, event: "APPROVE" });
    await w.server.weave.idle();
    expect(await stateOf(w, "a")).toBe("finished");
    expect((await w.alice.pulls.get({ ...R, pull_number: pr })).data.merged).toBe(false);
    await w.comment("/weave merge a");
    await waitFor(async () => (await stateOf(w, "a")) === "merged", "a to merge");
    expect((await w.alice.pulls.get({ ...R, pull_number: pr })).data.merged).toBe(true);
    expect(w.errors).toEqual([]);
  });
});

