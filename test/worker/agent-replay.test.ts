// The worker loop running the presets against fake agent executables named claude, codex, gemini and aider on PATH:
// each replays a recorded sample (its stdout and stderr bytes, its exit code), writes the files the real run wrote,
// and logs its argv, its stdin and a few env vars. Real git repository, real child processes.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import { appendNote, notesFileOf } from "../../src/worker/notes-box.js";
import { createSignalBox } from "../../src/worker/signal-box.js";
import { createWorkerGit } from "../../src/worker/worker-git.js";
import { runWorkerLoop } from "../../src/worker/worker-loop.js";
import { FAKE_AGENT as FAKE, SAMPLES, SAMPLES_DIR, TEST_PRICES } from "./agent-samples.js";

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" };

let dir: string;
let work: string;
let bin: string;
let fakeLog: string;
let reports: WorkerStatus[];

const git = (...args: string[]): string => execFileSync("git", args, { cwd: work, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weave-replay-"));
  work = join(dir, "work");
  bin = join(dir, "bin");
  fakeLog = join(dir, "fake.log");
  mkdirSync(work);
  mkdirSync(bin);
  for (const name of ["claude", "codex", "gemini", "aider"]) {
    writeFileSync(join(bin, name), FAKE);
    chmodSync(join(bin, name), 0o755);
  }
  git("init", "-q", "-b", "main");
  writeFileSync(join(work, "README.md"), "app\n");
  git("add", "-A");
  git("commit", "-q", "-m", "init");
  git("checkout", "-q", "-b", "weave/M1");
  reports = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Step { stdout?: string; stderr?: string; rc?: number; writes?: string[]; commit?: string; lines?: boolean; delayMs?: number; skip?: string; hang?: boolean }

function planFor(agent: string, extra = "", top = ""): ReturnType<typeof parsePlan> {
  return parsePlan(`version: 1
${top.includes("retries") ? "" : "retries: 2\n"}${top}worker:
  agent: ${agent}
  prices: ${JSON.stringify(TEST_PRICES)}
  heartbeat_interval: 100ms
  stop_grace: 1s
${extra}milestones:
  - { id: M1, tasks: ["- Add a hello.txt file"] }
`, "weave.yml");
}

async function run(plan: ReturnType<typeof parsePlan>, steps: Step[]): Promise<{ status: WorkerStatus; calls: Array<{ argv: string[]; stdin: string; env: Record<string, string | undefined> }> }> {
  const status = await runWorkerLoop({
    plan, milestoneId: "M1", runId: "r-1", cwd: work, base: "main",
    git: createWorkerGit(work, { env: GIT_ENV }),
    reporter: { report: async (s) => void reports.push(s) },
    signals: createSignalBox(),
    env: { ...GIT_ENV, PATH: `${bin}:${process.env.PATH}`, FAKE_LOG: fakeLog, FAKE_STEPS: JSON.stringify(steps), SAMPLES_DIR },
    costFile: join(dir, "cost.jsonl"),
    logPath: join(dir, "worker.log"),
  });
  const calls = (existsSync(fakeLog) ? readFileSync(fakeLog, "utf8") : "").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { argv: string[]; stdin: string; env: Record<string, string | undefined> });
  return { status, calls };
}

describe("presets replaying every recorded sample", () => {
  it.each(SAMPLES)("$name", async (sample) => {
    const { status, calls } = await run(planFor(sample.agent), [{ stdout: sample.stdout, stderr: sample.stderr, rc: sample.rc, writes: sample.writes }]);
    const attempts = sample.kind === "ok" || !sample.retry ? 1 : 3;
    expect(calls).toHaveLength(attempts);
    // Every attempt's cost counts; unknown is flagged, not $0.
    if (sample.cost === null) expect(status.costUnknown).toBe(true);
    else expect(status.costUsd).toBeCloseTo(sample.cost * attempts, 6);
    const succeeded = sample.kind === "ok" && (sample.writes?.length ?? 0) > 0;
    if (succeeded) {
      expect(status).toMatchObject({ state: "finished", tasksDone: 1 });
      expect(git("log", "-1", "--format=%B")).toContain(`Weave-Cost-USD: ${(sample.cost ?? 0).toFixed(4)}`);
    } else if (sample.kind === "ok") {
      // The run "succeeded" without touching a file (a read-only sandbox, a default approval mode).
      expect(status.state).toBe("failed");
      expect(status.error).toMatch(/^no changes: the tasks changed no files/);
    } else {
      expect(status.state).toBe(sample.kind === "budget" ? "stopped" : "failed");
      expect(status.error).toMatch(new RegExp(`^task 1/1 ${sample.kind === "budget" ? "stopped" : "failed"}${attempts > 1 ? " after 3 attempts" : ""}: `));
      // The failed attempts' changes are dropped; their cost stays on the branch (a resumed run still counts it).
      if (sample.kind !== "budget" && (sample.cost ?? 0) > 0) {
        expect(git("log", "-1", "--format=%B")).toContain(`Weave-Cost-USD: ${(sample.cost! * attempts).toFixed(4)}`);
        expect(git("diff", "--name-only", "main", "HEAD")).toBe("");
      }
      if (sample.reason) expect(status.error).toMatch(sample.reason);
    }
    // The task text starts with "-": it reaches the agent on stdin, as `--prompt=…` or from a file, never as an option.
    for (const call of calls) {
      expect(call.argv).not.toContain("- Add a hello.txt file");
      if (sample.agent === "claude" || sample.agent === "codex") expect(call.stdin).toBe("- Add a hello.txt file");
      if (sample.agent === "gemini") expect(call.argv).toContain("--prompt=- Add a hello.txt file");
      if (sample.agent === "aider") expect(call.argv[call.argv.indexOf("--message-file") + 1]).toMatch(/task\.md$/);
      if (sample.agent === "claude" && process.getuid?.() === 0) expect(call.env.IS_SANDBOX).toBe("1");
    }
    // Statuses carry weave's reason in one line, and always fit the App's 256 KiB body limit.
    for (const r of reports) expect(JSON.stringify(r).length).toBeLessThan(64 * 1024);
  });
});

describe("attempts, timeouts, checkpoints, budget", () => {
  it("a timed-out attempt keeps the cost it streamed, says `timed out after 1s`, and counts toward retries", async () => {
    const killed: Step = { stdout: "claude-stream-json-error-max-turns.jsonl", lines: true, skip: '{"type":"result"', hang: true };
    const ok: Step = { stdout: "claude-stream-json-success.jsonl", writes: ["hello.txt"] };
    const prices = "  task_timeout: 1s\n";
    const plan = planFor("claude", prices);
    plan.worker.prices = { "claude-opus-4": { input: 5, output: 25 } };
    const { status, calls } = await run(plan, [killed, ok]);
    expect(calls).toHaveLength(2);
    expect(status.state).toBe("finished");
    // 3 × (20000 × $5 + 1 × $25) / 1M seen before the kill, then $0.12: the checkpoint records both.
    expect(status.costUsd).toBeCloseTo(3 * 0.100025 + 0.12, 6);
    expect(git("log", "-1", "--format=%B")).toContain("Weave-Cost-USD: 0.4201");
  });

  it("a task that times out on every attempt fails with `timed out after 1s`", async () => {
    const { status, calls } = await run(planFor("claude", "  task_timeout: 1s\n", "retries: 1\n"), [{ stdout: "claude-json-success.json", lines: true, hang: true }]);
    expect(calls).toHaveLength(2);
    expect(status.error).toBe("task 1/1 failed after 2 attempts: timed out after 1s");
    // Each attempt printed its result line ($0.12) before it hung: both count.
    expect(status.costUsd).toBeCloseTo(0.24, 6);
    expect(status.costUnknown).toBeUndefined();
  });

  it("a killed agent that printed nothing costs unknown, not $0", async () => {
    const { status } = await run(planFor("claude", "  task_timeout: 1s\n", "retries: 0\n"), [{ stdout: "claude-json-sigterm.out", lines: true, hang: true }]);
    expect(status.error).toBe("task 1/1 failed: timed out after 1s");
    expect(status.costUnknown).toBe(true);
    expect(status.costUsd).toBe(0);
  });

  it("a retry starts from the checkpoint: what the failed attempt committed is dropped", async () => {
    const { status } = await run(planFor("claude"), [
      { stdout: "claude-json-api500-error.json", rc: 1, writes: ["junk.txt"], commit: "agent commit from a failed attempt" },
      { stdout: "claude-json-success.json", writes: ["hello.txt"] },
    ]);
    expect(status.state).toBe("finished");
    const log = git("log", "--format=%s", "main..HEAD");
    expect(log).not.toContain("agent commit from a failed attempt");
    expect(log.split("\n")).toHaveLength(1);
    expect(git("ls-files")).not.toContain("junk.txt");
    expect(git("ls-files")).toContain("hello.txt");
  });

  it("the live budget stops a claude that streams usage past the ceiling, within a heartbeat", async () => {
    const plan = planFor("claude", "", "budget_ceiling: 0.25\n");
    plan.worker.prices = { "claude-opus-4": { input: 5, output: 25 } };
    const { status, calls } = await run(plan, [{ stdout: "claude-stream-json-error-max-turns.jsonl", lines: true, delayMs: 150, skip: '{"type":"result"', hang: true }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.env.WEAVE_BUDGET_LEFT_USD).toBe("0.2500");
    expect(calls[0]!.argv.join(" ")).toContain("--max-budget-usd 0.2500");
    expect(status.state).toBe("stopped");
    expect(status.error).toBe("task 1/1 stopped: the budget is spent");
    // What it did and what it cost are kept as a partial checkpoint.
    expect(git("log", "-1", "--format=%B")).toMatch(/^Weave-Task: 1\/1 partial$/m);
    // Stopped after the third message's usage ($0.300075), before the result line would have said $0.36.
    expect(status.costUsd).toBeGreaterThanOrEqual(0.25);
    expect(status.costUsd).toBeLessThan(0.36);
  });

  it("allow_empty: a milestone that changed nothing succeeds when the plan says so", async () => {
    const { status } = await run(planFor("codex", "  allow_empty: true\n"), [{ stdout: "codex-exec-json-tool-default-sandbox.jsonl" }]);
    expect(status.state).toBe("finished");
  });

  it("notes sent with `weave tell` reach the next task ($WEAVE_NOTES and the preset's task text) and its checkpoint commit", async () => {
    await appendNote(notesFileOf(join(dir, "cost.jsonl")), "Use tabs,\nnot spaces");
    const { status, calls } = await run(planFor("claude"), [{ stdout: "claude-json-success.json", writes: ["hello.txt"] }]);
    expect(status.state).toBe("finished");
    expect(calls[0]!.env.WEAVE_NOTES).toBe("Use tabs, not spaces");
    expect(calls[0]!.stdin).toBe("- Add a hello.txt file\n\nNotes from the people running this plan:\nUse tabs, not spaces");
    const message = git("log", "-1", "--format=%B");
    expect(message).toContain("Notes given to the agent:\n> Use tabs, not spaces");
    expect(message).toMatch(/^Weave-Task: 1\/1$/m);
  });

  it("a failing task whose last line is 300 KB still ends in a status far below the App's 256 KiB body limit", async () => {
    const plan = parsePlan(`version: 1\nretries: 0\nworker:\n  command: node -e 'process.stdout.write("\\u001b[31m" + "x".repeat(300 * 1024)); process.exit(3)'\n  heartbeat_interval: 100ms\nmilestones:\n  - { id: M1, tasks: [t] }\n`, "weave.yml");
    const { status } = await run(plan, [{}]);
    expect(status.state).toBe("failed");
    expect(status.error).toBe("task 1/1 failed: exit 3");
    expect(status.lastOutput!.join("\n")).not.toContain("\u001b");
    for (const line of status.lastOutput!) expect(line.length).toBeLessThan(500);
    for (const r of reports) expect(JSON.stringify(r).length).toBeLessThan(16 * 1024);
  });
});
