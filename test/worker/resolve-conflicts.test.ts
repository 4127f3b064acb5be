// The resolve run (merge.resolve: agent) against real git repositories: a bare `origin`, a clone on weave/M1, and a
// real scripted agent (a node script) that rewrites the conflicted files — or fails to, on purpose.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import { progressFrom } from "../../src/worker/checkpoint.js";
import { runResolveConflicts } from "../../src/worker/resolve-conflicts.js";
import { createSignalBox } from "../../src/worker/signal-box.js";
import type { SignalBox } from "../../src/worker/signal-box.js";

/**
 * AGENT_MODE=resolve: each file of $WEAVE_CONFLICTS loses its marker lines (both sides kept); leave: touches nothing;
 * fail: exits 3; slow: sleeps 20 s. Always appends {"usd": 0.5} to $WEAVE_COST_FILE and records its env in $AGENT_LOG.
 */
const AGENT = `
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const e = process.env;
appendFileSync(e.WEAVE_COST_FILE, JSON.stringify({ usd: 0.5 }) + "\\n");
appendFileSync(e.AGENT_LOG, JSON.stringify({ task: e.WEAVE_TASK, conflicts: e.WEAVE_CONFLICTS, milestone: e.WEAVE_MILESTONE, worker: e.WEAVE_WORKER, resolve: e.WEAVE_RESOLVE, fix: e.WEAVE_FIX_PASS ?? null }) + "\\n");
if (e.AGENT_MODE === "fail") { console.log("agent: giving up"); process.exit(3); }
if (e.AGENT_MODE === "slow") await new Promise((r) => setTimeout(r, 20000));
if (e.AGENT_MODE === "resolve") {
  for (const file of e.WEAVE_CONFLICTS.split("\\n")) {
    const lines = readFileSync(file, "utf8").split("\\n").filter((l) => !/^(<<<<<<<|=======|>>>>>>>)/.test(l));
    writeFileSync(file, lines.join("\\n"));
  }
}
`;

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" };

let dir: string;
let work: string;
let origin: string;
let agentLog: string;
let signals: SignalBox;
let reports: WorkerStatus[];

const git = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const w = (...args: string[]): string => git(work, ...args);

async function commit(branch: string, files: Record<string, string>, message: string): Promise<string> {
  w("checkout", "-q", branch);
  for (const [path, text] of Object.entries(files)) {
    execFileSync("mkdir", ["-p", join(work, path, "..")]);
    await writeFile(join(work, path), text);
  }
  w("add", "-A");
  w("commit", "-q", "-m", message);
  w("push", "-q", "origin", branch);
  return w("rev-parse", "HEAD");
}

function plan(extra = ""): ReturnType<typeof parsePlan> {
  return parsePlan(`version: 1
worker:
  command: node ${JSON.stringify(join(dir, "agent.mjs"))}
  cost: cost-file
  heartbeat_interval: 100ms
  stop_grace: 1s
${extra}milestones:
  - { id: M1, title: One, tasks: [one, two] }
`, "weave.yml");
}

async function resolve(options: { mode?: string; plan?: ReturnType<typeof parsePlan>; expectedHead?: string } = {}): Promise<WorkerStatus> {
  return await runResolveConflicts({
    plan: options.plan ?? plan(),
    milestoneId: "M1",
    runId: "r-1",
    cwd: work,
    target: "main",
    expectedHead: options.expectedHead,
    gitEnv: GIT_ENV,
    reporter: { report: async (s) => void reports.push(s) },
    signals,
    env: { ...process.env, AGENT_MODE: options.mode ?? "resolve", AGENT_LOG: agentLog },
    costFile: join(dir, "cost.jsonl"),
  });
}

async function agentCalls(): Promise<{ task: string; conflicts: string; milestone: string; worker: string; resolve: string; fix: string | null }[]> {
  if (!existsSync(agentLog)) return [];
  return (await readFile(agentLog, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as never);
}

const remoteHead = (branch: string): string => git(origin, "rev-parse", `refs/heads/${branch}`);

let base: string;
let before: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weave-resolve-"));
  origin = join(dir, "origin.git");
  work = join(dir, "work");
  agentLog = join(dir, "agent.log");
  await writeFile(join(dir, "agent.mjs"), AGENT);
  git(dir, "init", "-q", "--bare", "-b", "main", origin);
  git(dir, "clone", "-q", origin, work);
  w("checkout", "-q", "-b", "main");
  await writeFile(join(work, "shared.txt"), "alpha\nbeta\ngamma\n");
  await writeFile(join(work, "README.md"), "readme\n");
  w("add", "-A");
  w("commit", "-q", "-m", "base");
  w("push", "-q", "origin", "main");
  base = w("rev-parse", "HEAD");
  w("checkout", "-q", "-b", "weave/M1");
  w("push", "-q", "origin", "weave/M1");
  signals = createSignalBox();
  reports = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** weave/M1 and main change the same line of shared.txt. */
async function conflicting(): Promise<string> {
  await commit("weave/M1", { "shared.txt": "alpha\nbeta from M1\ngamma\n" }, "weave(M1): task 1/2\n\nWeave-Milestone: M1\nWeave-Task: 1/2\nWeave-Cost-USD: 1.0000");
  const mine = await commit("weave/M1", { "m1.txt": "m1\n" }, "weave(M1): task 2/2\n\nWeave-Milestone: M1\nWeave-Task: 2/2\nWeave-Cost-USD: 1.0000");
  await commit("main", { "shared.txt": "alpha\nbeta from main\ngamma\n" }, "main moves");
  w("checkout", "-q", "weave/M1");
  return mine;
}

function trailers(sha: string): Record<string, string> {
  const out = w("log", "-1", "--format=%(trailers:only,unfold)", sha);
  return Object.fromEntries(out.split("\n").filter(Boolean).map((l) => l.split(": ", 2) as [string, string]));
}

describe("resolve run (merge.resolve: agent)", () => {
  it("a clean merge is committed with two parents and pushed; the agent does not run", async () => {
    before = await commit("weave/M1", { "m1.txt": "m1\n" }, "weave(M1): task 1/2\n\nWeave-Milestone: M1\nWeave-Task: 1/2\nWeave-Cost-USD: 1.0000");
    const mainSha = await commit("main", { "other.txt": "main\n" }, "main moves");
    w("checkout", "-q", "weave/M1");
    const status = await resolve({ expectedHead: before });
    expect(status).toMatchObject({ state: "finished", tasksDone: 1, tasks: 2, costUsd: 1 });
    expect(status.error).toBeUndefined();
    expect(status.headSha).toBe(remoteHead("weave/M1"));
    expect(w("rev-parse", `${status.headSha!}^@`).split("\n")).toEqual([before, mainSha]);
    expect(w("log", "-1", "--format=%s", status.headSha!)).toBe("weave: merge main into weave/M1");
    expect(trailers(status.headSha!)).toEqual({ "Weave-Milestone": "M1", "Weave-Resolve": "main", "Weave-Cost-USD": "0.0000" });
    expect(await agentCalls()).toEqual([]);
    expect(reports.at(-1)).toMatchObject({ state: "finished", headSha: status.headSha });
  });

  it("the agent resolves a conflict: a two-parent merge with trailers is pushed", async () => {
    before = await conflicting();
    const mainSha = remoteHead("main");
    const status = await resolve({ expectedHead: before });
    expect(status).toMatchObject({ state: "finished", tasksDone: 2, tasks: 2, costUsd: 2.5 });
    const head = status.headSha!;
    expect(head).toBe(remoteHead("weave/M1"));
    expect(head).toBe(w("rev-parse", "HEAD"));
    expect(w("rev-parse", `${head}^@`).split("\n")).toEqual([before, mainSha]);
    expect(w("log", "-1", "--format=%s", head)).toBe("weave: resolve conflicts of M1 with main");
    expect(trailers(head)).toEqual({ "Weave-Milestone": "M1", "Weave-Resolve": "main", "Weave-Cost-USD": "0.5000" });
    expect(w("show", `${head}:shared.txt`)).toBe("alpha\nbeta from M1\nbeta from main\ngamma");
    expect(w("status", "--porcelain")).toBe("");
    const calls = await agentCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ conflicts: "shared.txt", milestone: "M1", worker: "1", resolve: "1" });
    expect(calls[0]!.task).toContain("Resolve the merge conflicts of merging main into weave/M1 in these files: shared.txt; keep both sides' intent; remove all conflict markers");
    // Heartbeats while the agent ran, and the resolve cost counts on the next run's progress.
    expect(reports.some((r) => r.state === "running" && r.taskPid !== undefined)).toBe(true);
    expect(progressFrom(w("log", "--format=%B%x00", "origin/main..HEAD").split("\0").map((m) => m.trim()).filter(Boolean), "M1")).toEqual({ tasksDone: 2, costUsd: 2.5, costUnknown: false });
  });

  it("the agent leaves conflict markers: failed, the merge aborted, nothing pushed, weave/M1 unchanged", async () => {
    before = await conflicting();
    const status = await resolve({ mode: "leave" });
    expect(status.state).toBe("failed");
    expect(status.error).toMatch(/conflict markers left.*still conflicted: shared\.txt; nothing was pushed/);
    expect(status.headSha).toBe(before);
    expect(status.costUsd).toBe(2.5);
    expect(remoteHead("weave/M1")).toBe(before);
    expect(w("rev-parse", "HEAD")).toBe(before);
    expect(w("status", "--porcelain")).toBe("");
    expect(existsSync(join(work, ".git/MERGE_HEAD"))).toBe(false);
    expect(reports.at(-1)).toMatchObject({ state: "failed", headSha: before });
  });

  it("the agent fails: failed with its output, nothing pushed", async () => {
    before = await conflicting();
    const status = await resolve({ mode: "fail" });
    expect(status).toMatchObject({ state: "failed", headSha: before });
    expect(status.error).toMatch(/the agent could not resolve the conflicts of merging main into weave\/M1 \(exit 3\); still conflicted: shared\.txt/);
    expect(status.lastOutput).toContain("agent: giving up");
    expect(remoteHead("weave/M1")).toBe(before);
    expect(w("rev-parse", "HEAD")).toBe(before);
    expect(w("status", "--porcelain")).toBe("");
  });

  it("a conflict under .weave/ that weave did not write there goes to the agent like any other (issue 13)", async () => {
    await commit("weave/M1", { ".weave/notes.txt": "milestone notes\n" }, "notes on M1");
    before = await commit("weave/M1", { "m1.txt": "m1\n" }, "more");
    const mainSha = await commit("main", { ".weave/notes.txt": "main notes\n", "main.txt": "main\n" }, "main moves");
    w("checkout", "-q", "weave/M1");
    const status = await resolve();
    expect(status.state).toBe("finished");
    expect((await agentCalls()).map((c) => c.conflicts)).toEqual([".weave/notes.txt"]);
    const head = remoteHead("weave/M1");
    expect(status.headSha).toBe(head);
    expect(w("rev-parse", `${head}^@`).split("\n")).toEqual([before, mainSha]);
    expect(w("show", `${head}:.weave/notes.txt`)).toBe("milestone notes\nmain notes");
    expect(w("show", `${head}:main.txt`)).toBe("main");
    expect(trailers(head)["Weave-Resolve"]).toBe("main");
  });

  it("nothing to do when the target is already merged: finished at the same head, nothing pushed", async () => {
    before = await commit("weave/M1", { "m1.txt": "m1\n" }, "m1");
    const status = await resolve();
    expect(status).toMatchObject({ state: "finished", headSha: before });
    expect(remoteHead("weave/M1")).toBe(before);
  });

  it("a stop while the agent works: the agent is stopped, the merge aborted, nothing pushed", async () => {
    before = await conflicting();
    const reporter = { report: async (s: WorkerStatus) => { reports.push(s); return s.taskPid !== undefined ? ("stop" as const) : undefined; } };
    const status = await runResolveConflicts({
      plan: plan(), milestoneId: "M1", runId: "r-1", cwd: work, target: "main", gitEnv: GIT_ENV, reporter, signals,
      env: { ...process.env, AGENT_MODE: "slow", AGENT_LOG: agentLog }, costFile: join(dir, "cost.jsonl"),
    });
    expect(status).toMatchObject({ state: "stopped", headSha: before });
    expect(remoteHead("weave/M1")).toBe(before);
    expect(w("rev-parse", "HEAD")).toBe(before);
    expect(existsSync(join(work, ".git/MERGE_HEAD"))).toBe(false);
  });

  it("runs worker.verify on the resolved merge and fails without pushing when it keeps failing", async () => {
    await writeFile(join(dir, "verify.mjs"), `import { readFileSync } from "node:fs"; const t = readFileSync("shared.txt", "utf8"); if (!t.includes(process.env.MUST)) { console.log("verify: missing " + process.env.MUST); process.exit(1); }\n`);
    const withVerify = plan(`  verify: node ${JSON.stringify(join(dir, "verify.mjs"))}\n  verify_retries: 1\n`);
    before = await conflicting();
    const passed = await runResolveConflicts({
      plan: withVerify, milestoneId: "M1", runId: "r-1", cwd: work, target: "main", gitEnv: GIT_ENV, reporter: { report: async (s) => void reports.push(s) }, signals,
      env: { ...process.env, AGENT_MODE: "resolve", AGENT_LOG: agentLog, MUST: "beta from main" }, costFile: join(dir, "cost.jsonl"),
    });
    expect(passed).toMatchObject({ state: "finished", verify: { state: "passed", attempt: 1 } });
    expect(reports.some((r) => r.state === "verifying")).toBe(true);

    // Again from the same start, with a verify that cannot pass: one fix pass, then failed, nothing pushed.
    w("reset", "-q", "--hard", before);
    w("push", "-q", "-f", "origin", "weave/M1");
    const failed = await runResolveConflicts({
      plan: withVerify, milestoneId: "M1", runId: "r-2", cwd: work, target: "main", gitEnv: GIT_ENV, reporter: { report: async () => undefined }, signals,
      env: { ...process.env, AGENT_MODE: "resolve", AGENT_LOG: agentLog, MUST: "never there" }, costFile: join(dir, "cost.jsonl"),
    });
    expect(failed).toMatchObject({ state: "failed", headSha: before, verify: { state: "failed", attempt: 2 } });
    expect(failed.error).toMatch(/verify .* failed \(exit 1\) after 1 fix pass; nothing was pushed/);
    expect(failed.lastOutput).toContain("verify: missing never there");
    expect((await agentCalls()).map((c) => c.fix)).toEqual([null, null, "1"]);
    expect(remoteHead("weave/M1")).toBe(before);
    expect(w("rev-parse", "HEAD")).toBe(before);
  });

  it("pushes without force: a weave/M1 that moved on the remote fails the run and is left alone", async () => {
    before = await conflicting();
    const elsewhere = join(dir, "elsewhere");
    git(dir, "clone", "-q", "-b", "weave/M1", origin, elsewhere);
    await writeFile(join(elsewhere, "late.txt"), "late\n");
    git(elsewhere, "add", "-A");
    git(elsewhere, "commit", "-q", "-m", "late");
    git(elsewhere, "push", "-q", "origin", "weave/M1");
    const moved = remoteHead("weave/M1");
    const status = await resolve();
    expect(status.state).toBe("failed");
    expect(status.error).toMatch(/cannot push the resolved merge to weave\/M1/);
    expect(status.headSha).toBe(before);
    expect(remoteHead("weave/M1")).toBe(moved);
    expect(w("rev-parse", "HEAD")).toBe(before);
  });

  it("refuses a checkout that is not weave/<ID> at the expected commit", async () => {
    before = await conflicting();
    await expect(resolve({ expectedHead: base })).rejects.toThrow(/refusing to start the agent/);
    w("checkout", "-q", "main");
    await expect(resolve()).rejects.toThrow(/not weave\/M1/);
    expect(await agentCalls()).toEqual([]);
  });
});
