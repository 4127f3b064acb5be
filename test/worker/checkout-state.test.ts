/**
 * The worker reads branch, HEAD and dirtiness of its checkout from one `git status --porcelain=v2 --branch` (one git
 * process instead of two): the parse as a table, and the real git answer against the separate questions.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorkerGit, parseStatusV2 } from "../../src/worker/worker-git.js";

const SHA = "737862d0bc4e3a74e3b11a3772e9bde7362f6421";

describe("parseStatusV2", () => {
  it.each([
    ["clean, on a branch", `# branch.oid ${SHA}\n# branch.head weave/M1\n`, { head: SHA, branch: "weave/M1", dirty: false }],
    ["with an upstream, clean", `# branch.oid ${SHA}\n# branch.head main\n# branch.upstream origin/main\n# branch.ab +0 -0\n`, { head: SHA, branch: "main", dirty: false }],
    ["a modified file", `# branch.oid ${SHA}\n# branch.head main\n1 .M N... 100644 100644 100644 ${SHA} ${SHA} a.txt\n`, { head: SHA, branch: "main", dirty: true }],
    ["an untracked file", `# branch.oid ${SHA}\n# branch.head main\n? new.txt\n`, { head: SHA, branch: "main", dirty: true }],
    ["a conflicted file", `# branch.oid ${SHA}\n# branch.head main\nu UU N... 100644 100644 100644 100644 ${SHA} ${SHA} ${SHA} c.txt\n`, { head: SHA, branch: "main", dirty: true }],
    ["detached", `# branch.oid ${SHA}\n# branch.head (detached)\n`, { head: SHA, branch: "", dirty: false }],
    ["no commit yet", "# branch.oid (initial)\n# branch.head main\n", { head: "", branch: "main", dirty: false }],
  ])("%s", (_name, out, want) => {
    expect(parseStatusV2(out)).toEqual(want);
  });
});

describe("whereAmI on a real checkout", () => {
  it("agrees with rev-parse, symbolic-ref and isDirty", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-where-"));
    try {
      const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
      git("init", "-q", "-b", "weave/M1");
      git("-c", "user.email=t@w", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init");
      const worker = createWorkerGit(dir);
      expect(await worker.whereAmI()).toEqual({ head: git("rev-parse", "HEAD"), branch: "weave/M1", dirty: false });
      await writeFile(join(dir, "new.txt"), "x\n");
      expect((await worker.whereAmI()).dirty).toBe(true);
      expect(await worker.isDirty()).toBe(true);
      git("checkout", "-q", "--detach");
      expect((await worker.whereAmI()).branch).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
