// The App's mirror against a real bare repository: fetches, the push that is a compare-and-swap, ledger-style
// commits, and errors that never carry the token.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mergedOnTarget } from "../../src/github/reconcile-repo.js";
import { openMirror } from "../../src/github/repo-mirror.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "weave-mirror-"));
  dirs.push(d);
  return d;
};

function remoteWithMain(): { remote: string; work: string; git: (...a: string[]) => string } {
  const remote = temp();
  const work = temp();
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", remote]);
  execFileSync("git", ["clone", "-q", remote, work], { stdio: "ignore" });
  const git = (...a: string[]): string => execFileSync("git", ["-C", work, "-c", "user.name=t", "-c", "user.email=t@e", ...a], { encoding: "utf8" }).trim();
  git("checkout", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "root");
  git("push", "-q", "origin", "main");
  return { remote, work, git };
}

describe("repo mirror", () => {
  it("claims a branch only when it does not exist — at the same commit or behind, it is still someone else's", async () => {
    const { remote, git } = remoteWithMain();
    const mirror = await openMirror(temp(), "acme/widgets@host", async () => ({ url: remote, token: "s3cret-token" }));
    const main = (await mirror.fetch(["main"])).get("main")!;
    expect(await mirror.createBranch(main, "weave/M1")).toBe("created");
    // A second claim at the same commit is no claim (a plain push would say "up to date" and succeed).
    expect(await mirror.createBranch(main, "weave/M1")).toBe("exists");
    git("commit", "-q", "--allow-empty", "-m", "later");
    git("push", "-q", "origin", "main");
    const later = (await mirror.fetch(["main"])).get("main")!;
    // A fast-forward of an existing branch is no claim either.
    expect(await mirror.createBranch(later, "weave/M1")).toBe("exists");
    expect(execFileSync("git", ["-C", remote, "rev-parse", "weave/M1"], { encoding: "utf8" }).trim()).toBe(main);
  });

  it("moves a ref only as a fast-forward of what is there: a stale writer is refused", async () => {
    const { remote } = remoteWithMain();
    const mirror = await openMirror(temp(), "acme/widgets@host", async () => ({ url: remote, token: "s3cret-token" }));
    expect(await mirror.fetchRef("refs/weave/state")).toBeUndefined();
    const first = await mirror.commitFiles("weave: one", { "state.json": "{\"n\":1}\n" }, []);
    expect(await mirror.moveRef(first, "refs/weave/state")).toBe("pushed");
    const second = await mirror.commitFiles("weave: two", { "state.json": "{\"n\":2}\n" }, [first]);
    const rival = await mirror.commitFiles("weave: rival", { "state.json": "{\"n\":9}\n" }, [first]);
    expect(await mirror.moveRef(second, "refs/weave/state")).toBe("pushed");
    expect(await mirror.moveRef(rival, "refs/weave/state")).toBe("rejected"); // read `first`, lost to `second`
    const head = await mirror.fetchRef("refs/weave/state");
    expect(head).toBe(second);
    expect(await mirror.readText(head!, "state.json")).toBe("{\"n\":2}\n");
    expect(execFileSync("git", ["-C", remote, "log", "-1", "--format=%an <%ae>", "refs/weave/state"], { encoding: "utf8" }).trim()).toBe("weave <weave@users.noreply.github.com>");
  });

  it("fetches branches, lists commits, and says what failed without the token", async () => {
    const { remote, git } = remoteWithMain();
    git("checkout", "-q", "-b", "weave/a");
    git("commit", "-q", "--allow-empty", "-m", "task one");
    git("push", "-q", "origin", "weave/a");
    const mirror = await openMirror(temp(), "acme/widgets@host", async () => ({ url: remote, token: "s3cret-token" }));
    const heads = await mirror.fetch(["main", "weave/a"]);
    expect((await mirror.commits(heads.get("main")!, heads.get("weave/a")!)).map((c) => c.subject)).toEqual(["task one"]);
    expect(await mirror.isAncestor(heads.get("main")!, heads.get("weave/a")!)).toBe(true);
    const error = (await mirror.fetch(["main", "weave/missing"]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/couldn't find remote ref/);
    expect((error as { code?: string }).code).toBe("ref-missing");
    const bad = await openMirror(temp(), "acme/widgets@host", async () => ({ url: `${remote}-nowhere/s3cret-token`, token: "s3cret-token" }));
    const failed = (await bad.fetch(["main"]).catch((e: unknown) => e)) as Error;
    expect(failed.message).not.toContain("s3cret-token");
    await mirror.deleteBranch("weave/a");
    expect(execFileSync("git", ["-C", remote, "branch", "--list", "weave/a"], { encoding: "utf8" }).trim()).toBe("");
  });

  it("never reads a user value as a git option (--end-of-options before every ref)", async () => {
    const { remote } = remoteWithMain();
    const mirror = await openMirror(temp(), "acme/widgets@host", async () => ({ url: remote, token: "s3cret-token" }));
    const main = (await mirror.fetch(["main"])).get("main")!;
    const out = join(temp(), "written");
    // Without --end-of-options, `--output=FILE..HEAD` is git log's --output: it would write a file.
    await expect(mirror.commits(`--output=${out}`, main)).rejects.toThrow();
    expect(existsSync(`${out}..${main}`)).toBe(false);
    // Without it, `--all` is an option of merge-base; with it, an option-looking ref is a ref that does not exist.
    expect(await mirror.isAncestor("--all", main)).toBe(false);
  });

  it("tells a landed merge (Weave-Merged) from a checkpoint's Weave-Milestone", () => {
    const messages = ["weave: merge a\n\nWeave-Merged: a\nWeave-Milestone: a", "task 1\n\nWeave-Milestone: b\nWeave-Task: 1"];
    expect([...mergedOnTarget(messages)].sort()).toEqual(["a", "b"]);
    expect([...mergedOnTarget(messages, "Merged")]).toEqual(["a"]);
  });
});
