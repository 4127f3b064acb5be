/**
 * Fixtures for local-orchestrator tests: a real git repository in a temp dir with a plan and a scripted agent,
 * and the real `weave` CLI run as a child process.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/weave.js");

/**
 * A stand-in agent: for each task it writes `<dir>/<milestone>-<task>.txt` (or the file named by $AGENT_FILE),
 * sleeps $AGENT_SLEEP_MS, waits until the file $AGENT_GATE exists when it is set (so a test, not the clock, decides
 * when a task ends; $AGENT_GATE_BY, `{"<milestone>:<task>": path}`, gates single tasks), reports $AGENT_COST USD, and fails when $AGENT_FAIL names the milestone.
 * Every invocation appends `<milestone>:<task>[:fix]` to $AGENT_LOG (an absolute path) when set, so tests can count
 * attempts; in a verify fix pass ($WEAVE_FIX_PASS) it also writes `fixed.txt` with the verify output it was given.
 */
export const AGENT = `
import { appendFileSync, mkdirSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
const e = process.env;
const id = e.WEAVE_MILESTONE, n = e.WEAVE_TASK_INDEX;
if (e.AGENT_LOG) appendFileSync(e.AGENT_LOG, id + ":" + n + (e.WEAVE_FIX_PASS ? ":fix" : "") + "\\n");
const fails = (e.AGENT_FAIL || "").split(",");
if (fails.includes(id) || fails.includes(id + ":" + n)) { console.log("agent: cannot do " + id + " task " + n); console.error("boom: " + e.WEAVE_TASK); process.exit(3); }
const file = (e.AGENT_FILES && JSON.parse(e.AGENT_FILES)[id]) || ("out/" + id + "-" + n + ".txt");
mkdirSync(dirname(file), { recursive: true });
const prev = existsSync(file) ? readFileSync(file, "utf8") : "";
writeFileSync(file, prev + id + " task " + n + ": " + e.WEAVE_TASK + "\\n");
if (e.WEAVE_FIX_PASS) writeFileSync("fixed.txt", "fix pass " + e.WEAVE_FIX_PASS + "\\n" + (e.WEAVE_VERIFY_OUTPUT ?? "") + "\\n");
const sleep = Number((e.AGENT_SLEEP_BY && JSON.parse(e.AGENT_SLEEP_BY)[id]) ?? e.AGENT_SLEEP_MS ?? 0);
if (sleep) await new Promise((r) => setTimeout(r, sleep));
const gate = (e.AGENT_GATE_BY && JSON.parse(e.AGENT_GATE_BY)[id + ":" + n]) || e.AGENT_GATE;
for (let waited = 0; gate && !existsSync(gate) && waited < 120000; waited += 20) await new Promise((r) => setTimeout(r, 20));
appendFileSync(e.WEAVE_COST_FILE, JSON.stringify({ usd: Number(e.AGENT_COST ?? 0.01) }) + "\\n");
`;

export interface MilestoneRecordFile {
  state: string;
  attempts: number;
  requeues: number;
  reason?: string;
  conflictFiles?: string[];
  lastOutput?: string[];
  costUsd: number;
  tasksDone: number;
  tasks: number;
  pid?: number;
  verify?: { state: string; attempt?: number; exitCode?: number | null };
}

export interface RunEventFile {
  at: string;
  kind: string;
  id?: string;
  detail?: string;
}

/** The parts of `.weave/state.json` tests look at. */
export interface RunStateFile {
  runId: string;
  budgetStopped: boolean;
  milestones: Record<string, MilestoneRecordFile>;
  events: RunEventFile[];
}

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  weave(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }>;
  spawnWeave(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  state(): Promise<RunStateFile>;
  cleanup(): Promise<void>;
}

export async function createTestRepo(plan: string, options: { ignoreWeave?: boolean } = {}): Promise<TestRepo> {
  const dir = await mkdtemp(join(tmpdir(), "weave-local-"));
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@weave.local");
  git("config", "user.name", "weave test");
  await mkdir(join(dir, ".github"), { recursive: true });
  await writeFile(join(dir, ".github/weave.yml"), plan);
  await writeFile(join(dir, "agent.mjs"), AGENT);
  if (options.ignoreWeave !== false) await writeFile(join(dir, ".gitignore"), ".weave/\n");
  git("add", "-A");
  git("commit", "-q", "-m", "init");
  const { WEAVE_WORKER: _insideWorker, ...outer } = process.env;
  const baseEnv = { ...outer, GIT_AUTHOR_NAME: "weave test", GIT_AUTHOR_EMAIL: "t@w", GIT_COMMITTER_NAME: "weave test", GIT_COMMITTER_EMAIL: "t@w" };
  return {
    dir,
    git,
    weave: (args, env = {}) =>
      new Promise((done) => {
        execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...baseEnv, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
          done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
      }),
    spawnWeave: (args, env = {}) => spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] }),
    state: async () => JSON.parse(await readFile(join(dir, ".weave/state.json"), "utf8")),
    cleanup: async () => {
      try {
        execFileSync("pkill", ["-f", dir]);
      } catch {
        // nothing left running
      }
      // Coordinators and agents do not name the directory on their command line: find them by working directory.
      for (const pid of processesIn(dir, "", { below: true })) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** A test repo removed (and its processes killed) when the current test finishes; safe in concurrent tests. */
export async function repoForTest(test: { onTestFinished(fn: () => Promise<void>): void }, plan: string, options: { ignoreWeave?: boolean } = {}): Promise<TestRepo> {
  const repo = await createTestRepo(plan, options);
  test.onTestFinished(() => repo.cleanup());
  return repo;
}

export function planYaml(body: string, header = ""): string {
  return `version: 1\nmax_workers: 2\nretries: 1\nheartbeat_timeout: 30s\nmerge: { via: direct, auto: auto, order: completion }\n${header}worker:\n  command: node agent.mjs\n  heartbeat_interval: 200ms\n  stop_grace: 1s\nmilestones:\n${body}`;
}

export const DIAMOND = planYaml(`  - { id: data, tasks: [model, repo], files: ["out/data-*"] }
  - { id: api, depends_on: [data], tasks: [routes, validation], files: ["out/api-*"] }
  - { id: ui, depends_on: [data], tasks: [list, detail], files: ["out/ui-*"] }
  - { id: integration, depends_on: [api, ui], tasks: [wire], files: ["out/integration-*"] }
`);

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Time (ms) of the first event of `kind` for `id`; throws when there is none, naming what the log holds. */
export function eventAt(state: RunStateFile, kind: string, id: string): number {
  const event = state.events.find((e) => e.kind === kind && e.id === id);
  if (!event) throw new Error(`no "${kind}" event for ${id}; events: ${state.events.map((e) => `${e.kind}:${e.id ?? ""}`).join(" ")}`);
  return Date.parse(event.at);
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a spawned command's output; `done` resolves when it exits. */
export function collect(child: ChildProcess): { done: Promise<Finished>; output(): string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const done = new Promise<Finished>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { done, output: () => stdout + stderr };
}

/** Values of one trailer over the history of `ref` (newest first), one per commit that has it. */
export function trailerValues(repo: TestRepo, ref: string, key: string): string[] {
  return repo.git("log", ref, `--format=%(trailers:key=${key},valueonly,separator=%x2C)`).split("\n").map((l) => l.trim()).filter(Boolean);
}

/** Checkpoints on `ref`, newest first, as "<milestone> <n>/<m>[ partial]" (merge commits are left out). */
export function checkpoints(repo: TestRepo, ref: string): string[] {
  return repo.git("log", ref, "--format=%(trailers:key=Weave-Milestone,valueonly,separator=%x2C)|%(trailers:key=Weave-Task,valueonly,separator=%x2C)")
    .split("\n").map((l) => l.trim().split("|")).filter(([, task]) => task).map(([id, task]) => `${id} ${task}`);
}

/** True while the process exists (a zombie counts: it is gone for every purpose that matters here once reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * PIDs of live (non-zombie) processes whose working directory is `cwd` (or, with `below`, anywhere under it) and
 * whose command line contains `needle` (Linux /proc).
 */
export function processesIn(cwd: string, needle: string, options: { below?: boolean } = {}): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const at = readlinkSync(`/proc/${name}/cwd`);
      if (at !== cwd && !(options.below && at.startsWith(`${cwd}/`))) continue;
      if (!readFileSync(`/proc/${name}/cmdline`, "utf8").includes(needle)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (stat[stat.lastIndexOf(")") + 2] === "Z") continue;
      pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}
