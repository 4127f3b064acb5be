/** `weave init` writes references that exist and a plan that runs end to end locally (issues 16 item 6, 17). */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { githubRepoOf } from "../../src/cli/package-info.js";
import { BIN, ROOT } from "../local/local-fixtures.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; repository?: string | { url: string } };

async function repo(t: { onTestFinished(fn: () => Promise<void>): void }): Promise<{ dir: string; weave(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> }> {
  const dir = await mkdtemp(join(tmpdir(), "weave-init-"));
  t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  return {
    dir,
    weave: (...args) => new Promise((done) => execFile(process.execPath, [BIN, ...args], { cwd: dir }, (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr }))),
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
