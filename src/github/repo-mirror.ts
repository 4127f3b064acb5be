/**
 * Repository mirror: a bare clone the App keeps per repository, so merges, conflicts and scope come from real git
 * (`git merge-tree`) rather than from GitHub's one-bit `mergeable`.
 * Responsibilities: fetch the branches a merge needs, push a commit to a branch without force (a rejected push is
 * reported, not retried), delete a branch, list commits; fetch, commit and move any other ref (the run ledger) the
 * same way; authentication by an installation token; a timeout on every call that talks to GitHub.
 * Not here: merge policy (github/merge-back.ts); the merge plumbing (git/repo-plumbing.ts) and running git
 * (git/git-executor.ts), shared with the local home; reading git's words (git/git-refusals.ts) and GitHub's
 * (github/github-refusals.ts).
 * Invariants: the token travels in git's environment (never in arguments, URLs or logs); nothing is force-pushed;
 * outcomes follow exit codes and WeaveError codes, never git's or GitHub's words read here.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isWeaveError, WeaveError } from "../core/errors.js";
import { createGit } from "../git/git-executor.js";
import { gitRefusal, redact } from "../git/git-refusals.js";
import type { RepoPlumbing } from "../git/repo-plumbing.js";
import { createRepoPlumbing } from "../git/repo-plumbing.js";
import type { GitCall } from "../ports/git.js";
import { pushRefusal } from "./github-refusals.js";

export interface RepoMirror {
  git: RepoPlumbing;
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

const IDENTITY = { GIT_AUTHOR_NAME: "weave", GIT_AUTHOR_EMAIL: "weave@users.noreply.github.com", GIT_COMMITTER_NAME: "weave", GIT_COMMITTER_EMAIL: "weave@users.noreply.github.com" };
/** A fetch or push that has not ended after this long is killed (the next reconcile tries again). */
export const NETWORK_TIMEOUT_MS = 10 * 60_000;
const HINT = "weave tries again on its next reconcile; `/weave doctor` shows what it sees";

/** A call to GitHub: the installation token as the header actions/checkout sets (git ≥ 2.31 reads it from the environment). */
function remote(token: string): GitCall {
  return {
    env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}` },
    timeoutMs: NETWORK_TIMEOUT_MS,
    secrets: [token],
  };
}

export async function openMirror(cacheDir: string, fullName: string, access: () => Promise<MirrorAccess>): Promise<RepoMirror> {
  const dir = join(cacheDir, `${fullName.replace("/", "__")}.git`);
  // Commits made here (merges, the ledger) are by weave, whatever the server's git config says.
  const exec = createGit(dir, { extraEnv: { ...IDENTITY, GIT_TERMINAL_PROMPT: "0" }, hint: HINT });
  if (!existsSync(join(dir, "HEAD"))) {
    await mkdir(dir, { recursive: true });
    await exec.run(["init", "-q", "--bare"]);
  }
  const git = createRepoPlumbing(exec);
  const moveRef = async (commit: string, ref: string, lease: string[] = []): Promise<"pushed" | "rejected"> => {
    const { url, token } = await access();
    const args = ["push", ...(lease.length ? [] : ["-q"]), "--porcelain", ...lease, "--end-of-options", url, `${commit}:${ref}`];
    const r = await exec.exec(args, remote(token));
    // A claim reads the porcelain flags (`-q` would hide them): only `*` (a new ref) is ours; `=` (already there at this
    // commit) is someone else's.
    if (r.code === 0 && lease.length > 0 && !r.stdout.split("\n").some((l) => l.startsWith("*\t"))) return "rejected";
    if (r.code === 0) {
      await exec.exec(["update-ref", "--end-of-options", ref, commit]);
      return "pushed";
    }
    // GitHub's refusals first (workflow files, rules), then git's: not a fast-forward or a stale lease is a lost race.
    const refusal = pushRefusal(redact(r.stderr, [token]), ref) ?? gitRefusal(args, r, { secrets: [token], hint: HINT });
    if (refusal.code === "head-moved") return "rejected";
    throw refusal;
  };
  return {
    git,
    async fetch(branches) {
      const { url, token } = await access();
      const specs = branches.map((b) => `+refs/heads/${b}:refs/heads/${b}`);
      try {
        await exec.run(["fetch", "-q", "--no-tags", "--no-write-fetch-head", "--end-of-options", url, ...specs], remote(token));
      } catch (e) {
        if (!isWeaveError(e, "ref-missing")) throw e;
        throw new WeaveError("ref-missing", `${branches.join(" or ")} is gone from GitHub (${e.message})`, { cause: e, hint: "nothing to fetch: the branch was deleted or never pushed" });
      }
      return git.branchHeads(branches);
    },
    push: (commit, branch) => moveRef(commit, `refs/heads/${branch}`),
    createBranch: async (commit, branch) => ((await moveRef(commit, `refs/heads/${branch}`, [`--force-with-lease=refs/heads/${branch}:`])) === "pushed" ? "created" : "exists"),
    moveRef: (commit, ref) => moveRef(commit, ref),
    async fetchRef(ref) {
      const { url, token } = await access();
      try {
        await exec.run(["fetch", "-q", "--no-tags", "--no-write-fetch-head", "--end-of-options", url, `+${ref}:${ref}`], remote(token));
      } catch (e) {
        if (!isWeaveError(e, "ref-missing")) throw e;
        await exec.exec(["update-ref", "-d", "--end-of-options", ref]);
        return undefined;
      }
      return git.revParse(ref);
    },
    async readText(commit, path) {
      const r = await exec.exec(["show", "--end-of-options", `${commit}:${path}`]);
      return r.code === 0 ? r.stdout : undefined;
    },
    async commitFiles(message, files, parents) {
      const entries: string[] = [];
      for (const [path, text] of Object.entries(files)) {
        const blob = (await exec.run(["hash-object", "-w", "--stdin"], { input: text })).trim();
        entries.push(`100644 blob ${blob}\t${path}\n`);
      }
      const tree = (await exec.run(["mktree"], { input: entries.join("") })).trim();
      return git.commitTree(tree, parents, message);
    },
    async deleteBranch(branch) {
      const { url, token } = await access();
      try {
        await exec.run(["push", "-q", "--end-of-options", url, `:refs/heads/${branch}`], remote(token));
      } catch (e) {
        if (!isWeaveError(e, "ref-missing")) throw e;
      }
      await exec.exec(["update-ref", "-d", "--end-of-options", `refs/heads/${branch}`]);
    },
    async commits(base, head, paths = []) {
      const out = await git.raw(["log", "--reverse", "--format=%h %s", "--end-of-options", `${base}..${head}`, "--", ...paths]);
      return out.split("\n").filter(Boolean).map((line) => ({ sha: line.slice(0, line.indexOf(" ")), subject: line.slice(line.indexOf(" ") + 1) }));
    },
    isAncestor: (commit, of) => git.isAncestor(commit, of),
  };
}
