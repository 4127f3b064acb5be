import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGit } from "../../src/git/git-executor.js";
import { gitRefusal, redact, refusalCode } from "../../src/git/git-refusals.js";
import type { GitOutput } from "../../src/ports/git.js";

const failed = (stderr: string, stdout = "", code = 1): GitOutput => ({ code, stdout, stderr, timedOut: false });

describe("git's refusals as WeaveError codes (pure)", () => {
  it.each<[string, GitOutput, string]>([
    ["a push that is not a fast-forward", failed("To ../bare\n ! [rejected]        47e89c8 -> main (non-fast-forward)\nerror: failed to push some refs to '../bare'"), "head-moved"],
    ["a push behind new remote commits", failed("To https://github.com/o/r.git\n ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs"), "head-moved"],
    ["a stale lease (porcelain, on stdout)", failed("Done\n", "To ../bare\n!\t47e89c8:refs/heads/main\t[rejected] (stale info)\n"), "head-moved"],
    ["a lease whose new ref appeared (porcelain)", failed("", "!\tabc:refs/heads/weave/M1\t[rejected] (already exists)\n"), "head-moved"],
    ["a compare-and-swap update-ref that found another value", failed("fatal: update_ref failed for ref 'refs/heads/main': cannot lock ref 'refs/heads/main': is at 7e4e0ee but expected 0000001", "", 128), "head-moved"],
    ["a ref locked by another git", failed("fatal: cannot lock ref 'refs/heads/main': Unable to create '/r/.git/refs/heads/main.lock': File exists.", "", 128), "head-moved"],
    ["a server whose ref moved during the push", failed(" ! [remote rejected] abc -> main (cannot lock ref 'refs/heads/main': is at 1111 but expected 2222)"), "head-moved"],
    ["a creation of a ref that exists (update-ref with a zero old value)", failed("fatal: cannot lock ref 'refs/heads/x': reference already exists", "", 128), "head-moved"],
    ["a fetch of a ref the remote lacks", failed("fatal: couldn't find remote ref refs/heads/weave/M1", "", 128), "ref-missing"],
    ["a delete of a ref the remote lacks", failed("error: unable to delete 'weave/M1': remote ref does not exist\nerror: failed to push some refs"), "ref-missing"],
    ["a protected branch: GitHub's words, not git's", failed(" ! [remote rejected] abc -> main (protected branch hook declined)\nerror: failed to push some refs"), "git-failed"],
    ["a branch name that clashes with a directory of refs", failed("fatal: cannot lock ref 'refs/heads/a/b': 'refs/heads/a' exists; cannot create 'refs/heads/a/b'", "", 128), "git-failed"],
    ["an unreachable host", failed("fatal: unable to access 'https://github.com/o/r.git/': Could not resolve host: github.com", "", 128), "git-failed"],
    ["not a repository", failed("fatal: not a git repository (or any of the parent directories): .git", "", 128), "git-failed"],
    ["a timeout, whatever was printed before", { code: -1, stdout: "", stderr: " ! [rejected] main -> main (fetch first)", timedOut: true }, "git-failed"],
  ])("%s → %s", (_what, output, code) => {
    expect(refusalCode(output)).toBe(code);
    const error = gitRefusal(["push", "-q", "origin", "main"], output);
    expect(error.code).toBe(code);
    expect(error.hint).toBeTruthy();
  });

  it("says which command failed with git's last lines, and never a secret", () => {
    const error = gitRefusal(["-q", "fetch", "--end-of-options", "url"], failed("remote: a\nremote: b\nfatal: unable to access: token ghs_SECRET rejected\n"), { secrets: ["ghs_SECRET"], hint: "try later" });
    expect(error.message).toBe("git fetch failed: remote: a remote: b fatal: unable to access: token *** rejected");
    expect(error.hint).toBe("try later");
    expect(String((error.cause as Error).message)).not.toContain("ghs_SECRET");
    expect(gitRefusal(["commit"], failed("", "", 1)).message).toBe("git commit failed: exit 1");
    expect(gitRefusal(["fetch"], { code: -1, stdout: "", stderr: "", timedOut: true }).message).toBe("git fetch timed out");
    expect(redact("a tok b tok", ["tok", ""])).toBe("a *** b ***");
  });

  it("refuses to call a success a refusal", () => {
    expect(() => refusalCode({ code: 0, stdout: "", stderr: "", timedOut: false })).toThrow();
  });
});

describe("the one executor, against real git", () => {
  const root = mkdtempSync(join(tmpdir(), "weave-git-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" };
  const sh = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  const bare = join(root, "bare.git");
  const work = join(root, "work");
  sh(root, "init", "-q", "--bare", "-b", "main", bare);
  sh(root, "init", "-q", "-b", "main", work);
  sh(work, "commit", "-q", "--allow-empty", "-m", "one");
  const one = sh(work, "rev-parse", "HEAD");
  sh(work, "commit", "-q", "--allow-empty", "-m", "two");
  const two = sh(work, "rev-parse", "HEAD");
  sh(work, "push", "-q", bare, "main");

  it("translates the refusals real git prints", async () => {
    const git = createGit(work, { env });
    await expect(git.run(["push", "-q", bare, `${one}:refs/heads/main`])).rejects.toMatchObject({ code: "head-moved" });
    await expect(git.run(["push", "--porcelain", "--force-with-lease=refs/heads/main:", bare, `${one}:refs/heads/main`])).rejects.toMatchObject({ code: "head-moved" });
    await expect(git.run(["update-ref", "refs/heads/main", one, "0".repeat(40)])).rejects.toMatchObject({ code: "head-moved" });
    await expect(git.run(["fetch", "-q", bare, "refs/heads/nope:refs/heads/nope"])).rejects.toMatchObject({ code: "ref-missing" });
    await expect(git.run(["rev-parse", "--verify", "no-such-thing"])).rejects.toMatchObject({ code: "git-failed", message: expect.stringMatching(/^git rev-parse failed: /) });
    expect((await git.run(["rev-parse", "HEAD"])).trim()).toBe(two);
  });

  it("answers by exit code without throwing, feeds stdin, and layers the environment", async () => {
    const git = createGit(work, { env, extraEnv: { GIT_AUTHOR_NAME: "weave" } });
    expect((await git.exec(["merge-base", "--is-ancestor", two, one])).code).toBe(1);
    expect((await git.run(["hash-object", "--stdin"], { input: "hello\n" })).trim()).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(await git.run(["var", "GIT_AUTHOR_IDENT"])).toMatch(/^weave <t@e>/);
    expect(await git.run(["var", "GIT_AUTHOR_IDENT"], { env: { GIT_AUTHOR_NAME: "caller" } })).toMatch(/^caller <t@e>/);
    const missing = await createGit(join(root, "nowhere")).exec(["status"]);
    expect(missing.code).toBe(-1);
    expect(missing.stderr).not.toBe("");
  });

  it("kills a git that outlives its timeout and keeps secrets out of the message", async () => {
    const git = createGit(work, { env, secrets: ["s3cret"] });
    const slow = await git.exec(["-c", "alias.nap=!sleep 3", "nap"], { timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    await expect(git.run(["-c", "alias.nap=!sleep 3", "nap"], { timeoutMs: 200 })).rejects.toMatchObject({ code: "git-failed", message: "git nap timed out" });
    await expect(git.run(["-c", "alias.leak=!echo token s3cret >&2; exit 2", "leak"])).rejects.toMatchObject({ message: "git leak failed: token ***" });
  });
});
