/**
 * Job process: one simulated job step on this machine, as a GitHub-hosted runner would run a node action.
 * Responsibilities: a fresh workspace cloned over smart HTTP with the job's token persisted the way
 * actions/checkout does, the runner's environment (GITHUB_*, RUNNER_*, INPUT_*, file commands, OIDC request
 * variables), spawning the entry with `node`, and reading GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY.
 * Also a checkout of any ref (a pull request's merge ref) and `run:` scripts with `sh -e`.
 * Not here: run lifecycle, cancellation timing and events (actions-runner.ts).
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";

export interface ActionEntry { main: string; post?: string; inputDefaults: Record<string, string> }
export interface JobDirs { root: string; workspace: string; temp: string; home: string; files: Record<"output" | "env" | "path" | "state" | "summary" | "event", string> }

/** The node entry (and post) that action.yml declares, with its input defaults. */
export async function readActionEntry(actionDir: string): Promise<ActionEntry> {
  const text = await readFile(join(actionDir, "action.yml"), "utf8").catch(() => readFile(join(actionDir, "action.yaml"), "utf8"));
  const doc = parse(text) as { runs?: { main?: string; post?: string }; inputs?: Record<string, { default?: unknown }> };
  if (doc.runs?.main === undefined) throw new Error(`${actionDir}/action.yml declares no runs.main`);
  const inputDefaults = Object.fromEntries(Object.entries(doc.inputs ?? {}).filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, String(v.default)]));
  return { main: join(actionDir, doc.runs.main), ...(doc.runs.post === undefined ? {} : { post: join(actionDir, doc.runs.post) }), inputDefaults };
}

export async function makeJobDirs(root: string, event: unknown): Promise<JobDirs> {
  const temp = join(root, "_temp");
  const files = {
    output: join(temp, "_runner_file_commands", "set_output"), env: join(temp, "_runner_file_commands", "set_env"), path: join(temp, "_runner_file_commands", "add_path"),
    state: join(temp, "_runner_file_commands", "save_state"), summary: join(temp, "_runner_file_commands", "step_summary"), event: join(root, "_github_workflow", "event.json"),
  };
  for (const dir of [join(temp, "_runner_file_commands"), join(root, "_github_workflow"), join(root, "home"), join(root, "tool-cache")]) await mkdir(dir, { recursive: true });
  for (const file of Object.values(files)) await writeFile(file, "");
  await writeFile(files.event, JSON.stringify(event, null, 2));
  return { root, workspace: join(root, "work"), temp, home: join(root, "home"), files };
}

/** `git clone` of `branch` over smart HTTP with the token kept in the clone's config (actions/checkout's persist-credentials). */
export async function cloneWorkspace(cloneUrl: string, branch: string, token: string, dirs: JobDirs): Promise<void> {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  const env = { PATH: process.env.PATH ?? "", HOME: dirs.home, GIT_TERMINAL_PROMPT: "0" };
  const git = (args: string[], cwd: string): Promise<void> => new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env }, (error, _out, stderr) => (error === null ? resolve() : reject(new Error(`git ${args[0] ?? ""}: ${stderr}`))));
  });
  await git(["-c", `http.extraheader=${header}`, "clone", "--quiet", "--branch", branch, cloneUrl, dirs.workspace], dirs.root);
  await git(["config", "--local", `http.${cloneUrl}.extraheader`, header], dirs.workspace);
  await git(["config", "--local", "--unset-all", "http.extraheader"], dirs.workspace).catch(() => undefined);
}

/** A checkout of `ref` (a branch, `refs/pull/<n>/merge`, a merge group's ref) at a detached HEAD, the token persisted. */
export async function checkoutRef(cloneUrl: string, ref: string, token: string, dirs: JobDirs): Promise<void> {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  const env = { PATH: process.env.PATH ?? "", HOME: dirs.home, GIT_TERMINAL_PROMPT: "0" };
  const git = (args: string[]): Promise<void> => new Promise((resolve, reject) => {
    execFile("git", args, { cwd: dirs.workspace, env }, (error, _out, stderr) => (error === null ? resolve() : reject(new Error(`git ${args[0] ?? ""}: ${stderr}`))));
  });
  await mkdir(dirs.workspace, { recursive: true });
  await git(["init", "--quiet"]);
  await git(["remote", "add", "origin", cloneUrl]);
  await git(["config", "--local", `http.${cloneUrl}.extraheader`, header]);
  await git(["fetch", "--quiet", "--no-tags", "origin", `+${ref}:refs/remotes/origin/checkout`]);
  await git(["checkout", "--quiet", "--detach", "refs/remotes/origin/checkout"]);
}

/** Spawns a `run:` step's script with `sh -e` in the workspace; resolves with its exit code (null when killed). */
export function spawnShell(script: string, env: Record<string, string>, cwd: string, onOutput: (text: string) => void): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn("sh", ["-e", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => onOutput(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => onOutput(chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (error) => { onOutput(`spawn failed: ${String(error)}\n`); resolve({ code: 1, signal: null }); });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, exited };
}

/** Spawns `node <entry>` in the workspace; resolves with its exit code (null when killed) and signal. */
export function spawnStep(entry: string, env: Record<string, string>, cwd: string, onOutput: (text: string) => void): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [entry], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => onOutput(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => onOutput(chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (error) => { onOutput(`spawn failed: ${String(error)}\n`); resolve({ code: 1, signal: null }); });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, exited };
}

/** Parses a file command (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV): `name=value` lines and `name<<DELIM` blocks. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc !== null) {
      const [, name = "", delimiter = ""] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? "");
      out[name] = value.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** INPUT_<NAME> as the runner derives it: upper case, spaces to underscores (hyphens are kept). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}
