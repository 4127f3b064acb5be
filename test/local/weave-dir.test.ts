/**
 * Gates on `.weave/`: it must be git-ignored (else refuse, naming the line to add), and when weave cannot write
 * there it says so plainly (a WeaveError with a hint, no stack trace, no misleading cause) and exits non-zero.
 * Tests run as root, where permission bits do not stop writes, so "unwritable" is made with files where weave
 * needs directories.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TestContext } from "vitest";
import { repoForTest, planYaml } from "./local-fixtures.js";
import type { TestRepo } from "./local-fixtures.js";

const PLAN = planYaml(`  - { id: solo, tasks: [one], files: ["out/**"] }
`);

/** A repo whose .gitignore says `.weave` (no slash), so a *file* named .weave is ignored too and the checkout stays clean. */
async function repoIgnoringWeave(test: TestContext): Promise<TestRepo> {
  const r = await repoForTest(test, PLAN);
  await writeFile(join(r.dir, ".gitignore"), ".weave\n");
  r.git("commit", "-q", "-am", "ignore .weave files too");
  return r;
}

function expectPlainError(stderr: string): void {
  expect(stderr).toMatch(/^error: /);
  expect(stderr).not.toMatch(/^error: E[A-Z]+: /); // a raw Node error is not a clear message
  expect(stderr).toMatch(/^hint: /m);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe.concurrent(".weave/ must be writable", () => {
  it("`.weave` is a file: a clear error naming it, exit non-zero, nothing started", async (test) => {
    const { expect } = test;
    const repo = await repoIgnoringWeave(test);
    await writeFile(join(repo.dir, ".weave"), "not a directory\n");
    const run = await repo.weave(["start"]);
    expect(run.code).not.toBe(0);
    expectPlainError(run.stderr);
    expect(run.stderr).toContain(".weave");
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
  });

  it("`.weave/logs` is a file: a clear error naming it, exit non-zero", async (test) => {
    const { expect } = test;
    const repo = await repoIgnoringWeave(test);
    await mkdir(join(repo.dir, ".weave"));
    await writeFile(join(repo.dir, ".weave/logs"), "not a directory\n");
    const run = await repo.weave(["start"]);
    expect(run.code).not.toBe(0);
    expectPlainError(run.stderr);
    expect(run.stderr).toContain(".weave/logs");
  });

  it("`.weave/run` is a file: the milestone fails naming the path, not blaming another worker", async (test) => {
    const { expect } = test;
    const repo = await repoIgnoringWeave(test);
    await mkdir(join(repo.dir, ".weave"));
    await writeFile(join(repo.dir, ".weave/run"), "not a directory\n");
    const run = await repo.weave(["start"]);
    expect(run.code).not.toBe(0);
    const output = run.stdout + run.stderr;
    expect(output).toContain(".weave/run");
    expect(output).not.toContain("already claimed by another worker");
    expect(output).not.toMatch(/^\s+at /m);
  });
});

describe.concurrent(".weave/ must be git-ignored", () => {
  it("refuses, naming the line to add to .gitignore, and creates nothing", async (test) => {
    const { expect } = test;
    const repo = await repoForTest(test, PLAN, { ignoreWeave: false });
    const run = await repo.weave(["start"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("error: .weave/ is not git-ignored");
    expect(run.stderr).toMatch(/^hint: add this line to \.gitignore and commit it: +\.weave\/$/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(repo.dir, ".weave"))).toBe(false);
    expect(repo.git("branch", "--list", "weave/*")).toBe("");
    expect(repo.git("status", "--porcelain")).toBe("");

    // Adding the line it names is enough.
    await writeFile(join(repo.dir, ".gitignore"), ".weave/\n");
    repo.git("add", ".gitignore");
    repo.git("commit", "-q", "-m", "ignore .weave");
    const dry = await repo.weave(["start", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("would start solo");
  });
});
