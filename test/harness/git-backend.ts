/**
 * Git backend: one real bare repository per stand-in repository, driven with the git CLI.
 * Responsibilities: write blobs/trees/commits, read and compare-and-swap refs, merge with
 * `git merge-tree --write-tree` (real conflicts), list files, ancestry and diffs.
 * Not here: HTTP shapes (routes/), smart-HTTP clone/push (git-http.ts), events on ref changes (repo-events.ts).
 * Invariants: every ref write is atomic (`update-ref <new> <old>`); commits get fixed identities and dates from the caller.
 */
import { execFile } from "node:child_process";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GitResult { code: number; stdout: string; stderr: string }
export interface Identity { name: string; email: string; date?: Date }
export interface TreeEntryInput { path: string; mode?: string; content?: string; sha?: string | null }
export interface TreeEntry { path: string; mode: string; type: "blob" | "tree" | "commit"; sha: string; size?: number }
export type MergeResult = { clean: true; tree: string } | { clean: false; tree: string; conflicts: string[] };

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export class GitBackend {
  private constructor(readonly dir: string) {}

  static async init(parent: string, name: string, defaultBranch: string): Promise<GitBackend> {
    const dir = join(parent, `${name}.git`);
    const git = new GitBackend(dir);
    await git.ok(["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`, dir], { cwd: parent, bare: false });
    await appendFile(join(dir, "config"), "[http]\n\treceivepack = true\n[uploadpack]\n\tallowAnySHA1InWant = true\n");
    return git;
  }

  run(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string; bare?: boolean } = {}): Promise<GitResult> {
    const full = options.bare === false ? args : ["--git-dir", this.dir, ...args];
    return new Promise((resolve, reject) => {
      const child = execFile("git", full, { cwd: options.cwd ?? this.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...options.env }, maxBuffer: 64 * 1024 * 1024, encoding: "buffer" }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        if (code === -1) reject(error ?? new Error("git failed"));
        else resolve({ code, stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8") });
      });
      child.stdin?.on("error", () => undefined); // git may exit before reading its input; the exit code tells.
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  async ok(args: string[], options: Parameters<GitBackend["run"]>[1] = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`);
    return result.stdout;
  }

  async writeBlob(content: string | Buffer): Promise<string> {
    return (await this.ok(["hash-object", "-w", "--stdin"], { input: content })).trim();
  }

  /** A tree from `base` (or empty) with entries added, replaced or (sha: null) removed. */
  async writeTree(entries: TreeEntryInput[], base?: string): Promise<string> {
    const tmp = await mkdtemp(join(tmpdir(), "weave-index-"));
    const env = { GIT_INDEX_FILE: join(tmp, "index") };
    try {
      if (base !== undefined) await this.ok(["read-tree", base], { env });
      else await this.ok(["read-tree", "--empty"], { env });
      const lines: string[] = [];
      for (const entry of entries) {
        if (entry.sha === null) { lines.push(`0 ${ZERO_SHA}\t${entry.path}`); continue; }
        const sha = entry.sha ?? (await this.writeBlob(entry.content ?? ""));
        lines.push(`${entry.mode ?? "100644"} ${sha}\t${entry.path}`);
      }
      if (lines.length > 0) await this.ok(["update-index", "--index-info"], { env, input: lines.join("\n") + "\n" });
      return (await this.ok(["write-tree"], { env })).trim();
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** One `git fast-import` writing files on top of `parent` as a commit on `ref` (seeding: one process, not ten).
   * fast-import refuses to move `ref` unless the new commit descends from its current tip. */
  async commitFiles(ref: string, parent: string | undefined, files: Record<string, string | null>, message: string, author: Identity): Promise<string> {
    const when = `${Math.floor((author.date ?? new Date()).getTime() / 1000)} +0000`;
    const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const lines = [`commit ${ref}`, `author ${author.name} <${author.email}> ${when}`, `committer ${author.name} <${author.email}> ${when}`, data(message).trimEnd()];
    if (parent !== undefined) lines.push(`from ${parent}`);
    for (const [path, content] of Object.entries(files)) lines.push(content === null ? `D ${path}` : `M 100644 inline ${path}\n${data(content).trimEnd()}`);
    await this.ok(["fast-import", "--quiet", "--date-format=raw"], { input: lines.join("\n") + "\n\n" });
    const sha = await this.readRef(ref);
    if (sha === undefined) throw new Error(`fast-import did not write ${ref}`);
    return sha;
  }

  async commitTree(tree: string, parents: string[], message: string, author: Identity, committer: Identity = author): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: (author.date ?? new Date()).toISOString(),
      GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email, GIT_COMMITTER_DATE: (committer.date ?? new Date()).toISOString(),
    };
    return (await this.ok(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], { env, input: message })).trim();
  }

  /** The sha a ref name (refs/heads/x) points at, or undefined. */
  async readRef(ref: string): Promise<string | undefined> {
    const result = await this.run(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  /** Compare-and-swap: writes `sha` only if the ref still holds `expected` (ZERO_SHA/"" = must not exist). */
  async casRef(ref: string, sha: string, expected: string): Promise<boolean> {
    const result = await this.run(["update-ref", ref, sha, expected === ZERO_SHA ? "" : expected]);
    return result.code === 0;
  }

  async deleteRef(ref: string, expected?: string): Promise<boolean> {
    return (await this.run(["update-ref", "-d", ref, ...(expected === undefined ? [] : [expected])])).code === 0;
  }

  async listRefs(prefix = "refs/"): Promise<Map<string, string>> {
    const out = await this.ok(["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
    return new Map(out.split("\n").filter(Boolean).map((line) => line.split(" ") as [string, string]));
  }

  /** Resolves a sha, branch, tag or full ref to a commit sha (git's own DWIM order), in one process. */
  async resolveCommit(rev: string): Promise<string | undefined> {
    if (rev.startsWith("-") || rev.includes("..")) return undefined;
    return this.readRef(rev);
  }

  async objectType(sha: string): Promise<string | undefined> {
    const result = await this.run(["cat-file", "-t", sha]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.run(["merge-base", "--is-ancestor", ancestor, descendant])).code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.run(["merge-base", a, b]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  async mergeTree(base: string, head: string): Promise<MergeResult> {
    const result = await this.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", base, head]);
    const [tree = "", ...rest] = result.stdout.split("\n");
    if (result.code === 0) return { clean: true, tree: tree.trim() };
    if (result.code === 1) return { clean: false, tree: tree.trim(), conflicts: [...new Set(rest.map((l) => l.trim()).filter(Boolean))] };
    throw new Error(`git merge-tree failed (${result.code}): ${result.stderr.trim()}`);
  }

  async readCommit(sha: string): Promise<{ tree: string; parents: string[]; author: Identity; committer: Identity; message: string }> {
    const out = await this.ok(["cat-file", "commit", sha]);
    const split = out.indexOf("\n\n");
    const headers = out.slice(0, split).split("\n");
    const person = (line: string | undefined): Identity => {
      const m = /^\S+ (.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line ?? "");
      return { name: m?.[1] ?? "", email: m?.[2] ?? "", date: new Date(Number(m?.[3] ?? 0) * 1000) };
    };
    return {
      tree: headers.find((l) => l.startsWith("tree "))?.slice(5) ?? "",
      parents: headers.filter((l) => l.startsWith("parent ")).map((l) => l.slice(7)),
      author: person(headers.find((l) => l.startsWith("author "))),
      committer: person(headers.find((l) => l.startsWith("committer "))),
      message: out.slice(split + 2),
    };
  }

  async lsTree(treeish: string, options: { recursive?: boolean; path?: string } = {}): Promise<TreeEntry[]> {
    const args = ["ls-tree", "-l", ...(options.recursive === true ? ["-r", "-t"] : []), treeish, ...(options.path === undefined ? [] : ["--", options.path])];
    const result = await this.run(args);
    if (result.code !== 0) return [];
    return result.stdout.split("\n").filter(Boolean).map((line) => {
      const [meta = "", path = ""] = line.split("\t");
      const [mode = "", type = "blob", sha = "", size = "-"] = meta.split(/\s+/);
      return { path, mode, type: type as TreeEntry["type"], sha, ...(size === "-" ? {} : { size: Number(size) }) };
    });
  }

  async readBlob(sha: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      execFile("git", ["--git-dir", this.dir, "cat-file", "blob", sha], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
    });
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    return (await this.ok(["rev-list", "--reverse", head, `^${base}`])).split("\n").filter(Boolean);
  }

  async diffFiles(base: string, head: string): Promise<{ status: string; path: string }[]> {
    const out = await this.ok(["diff", "--name-status", "--no-renames", base, head]);
    return out.split("\n").filter(Boolean).map((line) => { const [status = "M", path = ""] = line.split("\t"); return { status, path }; });
  }
}
