/**
 * Repository mirror: a bare clone the App keeps per repository, so merges, conflicts and scope come from real git
 * (`git merge-tree`) rather than from GitHub's one-bit `mergeable`.
 * Responsibilities: fetch the branches a merge needs, push a commit to a branch without force (a rejected push is
 * reported, not retried), delete a branch, list commits; fetch, commit and move any other ref (the run ledger) the
 * same way; authentication by an installation token.
 * Not here: merge policy (github/merge-back.ts); the merge plumbing itself is local/repo-git.ts's.
 * Invariants: the token travels in git's environment (never in arguments, URLs or logs); nothing is force-pushed.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { WeaveError } from "../core/errors.js";
import { fetchRefusal, workflowsRefusal } from "./github-refusals.js";
import type { RepoGit } from "../local/repo-git.js";
import { createRepoGit } from "../local/repo-git.js";

export interface RepoMirror {
  git: RepoGit;
  /** Fetches `branches` (all must exist on GitHub); their heads, by branch. */
  fetch(branches: readonly string[]): Promise<Map<string, string>>;
  /**
   * Creates `branch` on GitHub at `commit` only if it does not exist (a push whose lease expects no ref: the receiving
   * side refuses it atomically when the ref appeared): "exists" when someone holds it. The claim, with no REST write.
   */
  createBranch(commit: string, branch: string): Promise<"created" | "exists">;
  /** Moves `branch` on GitHub to `commit` by a plain push: "rejected" when that is not a fast-forward. */
  push(commit: string, branch: string): Promise<"pushed" | "rejected">;
  deleteBranch(branch: string): Promise<void>;
  /** Commits in `head` that `base` lacks, oldest first: short sha and subject. */
  commits(base: string, head: string, paths?: readonly string[]): Promise<{ sha: string; subject: string }[]>;
  isAncestor(commit: string, of: string): Promise<boolean>;
  /** Fetches a ref that may not exist (undefined then, and the local copy is dropped). */
  fetchRef(ref: string): Promise<string | undefined>;
  readText(commit: string, path: string): Promise<string | undefined>;
  /** A commit holding exactly `files`, on `parents`, by weave. */
  commitFiles(message: string, files: Record<string, string>, parents: string[]): Promise<string>;
  /** Moves `ref` on GitHub to `commit` without force: "rejected" unless it is a fast-forward of what is there. */
  moveRef(commit: string, ref: string): Promise<"pushed" | "rejected">;
}

/** The mirror of a session's repository, opened on first use (its directory is keyed by host and repository). */
export async function mirrorFor(session: { mirror?: RepoMirror; cacheDir: string }, client: { fullName: string; gitAccess(): Promise<MirrorAccess> }): Promise<RepoMirror> {
  if (session.mirror) return session.mirror;
  const { url } = await client.gitAccess();
  session.mirror = await openMirror(session.cacheDir, `${client.fullName}@${new URL(url).host}`, () => client.gitAccess());
  return session.mirror;
}

export interface MirrorAccess {
  url: string;
  token: string;
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const IDENTITY = { GIT_AUTHOR_NAME: "weave", GIT_AUTHOR_EMAIL: "weave@users.noreply.github.com", GIT_COMMITTER_NAME: "weave", GIT_COMMITTER_EMAIL: "weave@users.noreply.github.com" };

function run(cwd: string, args: string[], token?: string, input?: string): Promise<GitResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...IDENTITY, GIT_TERMINAL_PROMPT: "0" };
  if (token) {
    // The same header actions/checkout sets; git reads it from the environment (git ≥ 2.31).
    env.GIT_CONFIG_COUNT = "1";
    env.GIT_CONFIG_KEY_0 = "http.extraHeader";
    env.GIT_CONFIG_VALUE_0 = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  }
  return new Promise((resolve) => {
    const child = execFile("git", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

function failure(what: string, r: GitResult, token: string): WeaveError {
  const words = (r.stderr || r.stdout).split(token).join("***").trim().split("\n").slice(-4).join("\n");
  return new WeaveError("git-failed", `git ${what} failed: ${words}`, { hint: "weave tries again on its next reconcile; `/weave doctor` shows what it sees" });
}

export async function openMirror(cacheDir: string, fullName: string, access: () => Promise<MirrorAccess>): Promise<RepoMirror> {
  const dir = join(cacheDir, `${fullName.replace("/", "__")}.git`);
  if (!existsSync(join(dir, "HEAD"))) {
    await mkdir(dir, { recursive: true });
    const init = await run(dir, ["init", "-q", "--bare"]);
    if (init.code !== 0) throw failure("init", init, "\0");
    // Merge commits made here (commit-tree through simple-git) are by weave, whatever the server's git config says.
    await run(dir, ["config", "user.name", IDENTITY.GIT_AUTHOR_NAME]);
    await run(dir, ["config", "user.email", IDENTITY.GIT_AUTHOR_EMAIL]);
  }
  const git = createRepoGit(dir);
  const moveRef = async (commit: string, ref: string, lease: string[] = []): Promise<"pushed" | "rejected"> => {
    const { url, token } = await access();
    // A claim reads the porcelain flags (`-q` would hide them): only `*` (a new ref) is ours; `=` (already there at this
    // commit) is someone else's.
    const r = await run(dir, ["push", ...(lease.length ? [] : ["-q"]), "--porcelain", ...lease, "--end-of-options", url, `${commit}:${ref}`], token);
    if (r.code === 0 && lease.length > 0 && !r.stdout.split("\n").some((l) => l.startsWith("*\t"))) return "rejected";
    if (r.code === 0) {
      await run(dir, ["update-ref", "--end-of-options", ref, commit]);
      return "pushed";
    }
    // A change under .github/workflows/ and a token without `workflows`: GitHub's words, and the fix.
    const workflows = workflowsRefusal(r.stderr.split(token).join("***"), `the push to ${ref}`);
    if (workflows) throw workflows;
    if (/GH006|GH013|protected branch|rule violations/i.test(r.stderr)) {
      // The target's rules refuse this push whatever its content: say GitHub's reasons, not git's noise.
      const reasons = r.stderr.split("\n").map((l) => /^remote: - (.*\S)/.exec(l)?.[1]).filter(Boolean);
      throw new WeaveError("not-authorized", `GitHub's rules refuse pushes to ${ref}${reasons.length ? `: ${reasons.join("; ")}` : ""}`, { hint: "merge through a pull request (`merge.via: pr`)" });
    }
    if (/\[rejected\]|non-fast-forward|fetch first|\(stale info\)|cannot lock ref/i.test(r.stdout + r.stderr)) return "rejected";
    throw failure("push", r, token);
  };
  return {
    git,
    async fetch(branches) {
      const { url, token } = await access();
      const specs = branches.map((b) => `+refs/heads/${b}:refs/heads/${b}`);
      const r = await run(dir, ["fetch", "-q", "--no-tags", "--no-write-fetch-head", "--end-of-options", url, ...specs], token);
      if (r.code !== 0) throw fetchRefusal(r.stderr, branches) ?? failure("fetch", r, token);
      return git.branchHeads(branches);
    },
    push: (commit, branch) => moveRef(commit, `refs/heads/${branch}`),
    createBranch: async (commit, branch) => ((await moveRef(commit, `refs/heads/${branch}`, [`--force-with-lease=refs/heads/${branch}:`])) === "pushed" ? "created" : "exists"),
    moveRef: (commit, ref) => moveRef(commit, ref),
    async fetchRef(ref) {
      const { url, token } = await access();
      const r = await run(dir, ["fetch", "-q", "--no-tags", "--no-write-fetch-head", "--end-of-options", url, `+${ref}:${ref}`], token);
      if (r.code !== 0) {
        if (!/couldn't find remote ref/i.test(r.stderr)) throw failure("fetch", r, token);
        await run(dir, ["update-ref", "-d", "--end-of-options", ref]);
        return undefined;
      }
      return (await run(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", ref])).stdout.trim() || undefined;
    },
    async readText(commit, path) {
      const r = await run(dir, ["show", "--end-of-options", `${commit}:${path}`]);
      return r.code === 0 ? r.stdout : undefined;
    },
    async commitFiles(message, files, parents) {
      const entries: string[] = [];
      for (const [path, text] of Object.entries(files)) {
        const blob = await run(dir, ["hash-object", "-w", "--stdin"], undefined, text);
        if (blob.code !== 0) throw failure("hash-object", blob, "\0");
        entries.push(`100644 blob ${blob.stdout.trim()}\t${path}\n`);
      }
      const tree = await run(dir, ["mktree"], undefined, entries.join(""));
      if (tree.code !== 0) throw failure("mktree", tree, "\0");
      const commit = await run(dir, ["commit-tree", tree.stdout.trim(), ...parents.flatMap((p) => ["-p", p]), "-m", message]);
      if (commit.code !== 0) throw failure("commit-tree", commit, "\0");
      return commit.stdout.trim();
    },
    async deleteBranch(branch) {
      const { url, token } = await access();
      const r = await run(dir, ["push", "-q", "--end-of-options", url, `:refs/heads/${branch}`], token);
      if (r.code !== 0 && !/remote ref does not exist/i.test(r.stderr)) throw failure("push --delete", r, token);
      await run(dir, ["update-ref", "-d", "--end-of-options", `refs/heads/${branch}`]);
    },
    async commits(base, head, paths = []) {
      const out = await git.raw(["log", "--reverse", "--format=%h %s", "--end-of-options", `${base}..${head}`, "--", ...paths]);
      return out.split("\n").filter(Boolean).map((line) => ({ sha: line.slice(0, line.indexOf(" ")), subject: line.slice(line.indexOf(" ") + 1) }));
    },
    async isAncestor(commit, of) {
      return (await run(dir, ["merge-base", "--is-ancestor", "--end-of-options", commit, of])).code === 0;
    },
  };
}
