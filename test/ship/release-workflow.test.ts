// The release workflow: least privilege, refuses a stale action/dist, and its tagging script — run for real against a
// bare origin — tags vX.Y.Z, moves vX, and refuses to release the same version twice.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { if?: string; permissions: Record<string, string>; steps: { name?: string; run?: string; uses?: string }[] }>;
}
const wf = parse(readFileSync(join(ROOT, ".github/workflows/release.yml"), "utf8")) as Workflow;
const job = wf.jobs.release!;
const script = (name: RegExp) => job.steps.find((s) => s.name && name.test(s.name))!.run!;

let tmp: string | undefined;
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("release workflow", () => {
  it("runs by hand from main only, with contents: write and nothing else", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "write" });
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
    const order = job.steps.map((s) => s.run ?? s.uses ?? "");
    const fresh = order.findIndex((r) => r.includes("npm run build:action"));
    const tests = order.indexOf("npm test");
    const tag = order.findIndex((r) => r.includes("git tag"));
    expect(fresh).toBeGreaterThan(-1);
    expect(fresh).toBeLessThan(tests);
    expect(tests).toBeLessThan(tag);
  });

  it("fails when action/dist differs from what the sources build", async () => {
    tmp ??= await mkdtemp(join(tmpdir(), "weave-release-"));
    const repo = join(tmp, "stale");
    execFileSync("git", ["init", "-q", "-b", "main", repo]);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
    git("config", "user.email", "t@w");
    git("config", "user.name", "t");
    execFileSync("mkdir", ["-p", join(repo, "action/dist")]);
    await writeFile(join(repo, "action/dist/index.js"), "old\n");
    await writeFile(join(repo, "package.json"), JSON.stringify({ scripts: { "build:action": "echo new > action/dist/index.js" } }));
    git("add", "-A");
    git("commit", "-qm", "init");
    const result = spawnSync("bash", ["-e", "-c", script(/action\/dist is what/)], { cwd: repo, encoding: "utf8" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("action/dist is stale");
  });

  it("tags vX.Y.Z, moves vX on the next minor, and refuses a version already released", async () => {
    tmp ??= await mkdtemp(join(tmpdir(), "weave-release-"));
    const origin = join(tmp, "origin.git");
    const repo = join(tmp, "clone");
    execFileSync("git", ["init", "-q", "--bare", origin]);
    execFileSync("git", ["clone", "-q", origin, repo], { stdio: "ignore" });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
    git("config", "user.email", "t@w");
    git("config", "user.name", "t");
    const release = async (version: string) => {
      await writeFile(join(repo, "package.json"), JSON.stringify({ name: "weave-plan", version }));
      git("add", "-A");
      git("commit", "-qm", `v${version}`);
      git("push", "-q", "origin", "HEAD:main");
      return spawnSync("bash", ["-e", "-c", script(/^Tag vX/)], { cwd: repo, encoding: "utf8", env: { ...process.env, GITHUB_STEP_SUMMARY: join(tmp!, "summary.md") } });
    };
    const remoteTag = (tag: string) => execFileSync("git", ["rev-parse", `${tag}^{commit}`], { cwd: origin, encoding: "utf8" }).trim();
    expect((await release("1.0.0")).status).toBe(0);
    expect(remoteTag("v1.0.0")).toBe(git("rev-parse", "HEAD"));
    expect(remoteTag("v1")).toBe(git("rev-parse", "HEAD"));
    expect((await release("1.1.0")).status).toBe(0);
    expect(remoteTag("v1.1.0")).toBe(git("rev-parse", "HEAD"));
    expect(remoteTag("v1")).toBe(git("rev-parse", "HEAD"));
    expect(remoteTag("v1.0.0")).not.toBe(git("rev-parse", "HEAD"));
    git("tag", "-d", "v1.1.0");
    const again = spawnSync("bash", ["-e", "-c", script(/^Tag vX/)], { cwd: repo, encoding: "utf8" });
    expect(again.status).not.toBe(0);
    expect(again.stdout).toContain("v1.1.0 is already released");
    const bad = await release("2.0.0-beta");
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("is not X.Y.Z");
  });
});
