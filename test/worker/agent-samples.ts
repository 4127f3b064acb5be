// The real agent outputs in ../shared/agent-samples/ (see its SOURCES.md) and what weave must make of each: the
// bytes on stdout and stderr as recorded, the recorded exit code, the cost, the outcome and the reason.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OutcomeKind } from "../../src/worker/agents/agent-outcome.js";
import type { PresetName } from "../../src/worker/agents/presets.js";

export const SAMPLES_DIR = process.env.WEAVE_AGENT_SAMPLES ?? join(import.meta.dirname, "../../../shared/agent-samples");

/** USD per million tokens used by the tests (the samples' vendors' list prices; any numbers would do). */
export const TEST_PRICES = {
  "*": { input: 1.25, cached_input: 0.125, output: 10 },
  "gemini-2.5-pro": { input: 1.25, cached_input: 0.31, output: 10 },
};

export interface Sample {
  name: string;
  agent: PresetName;
  /** File replayed on stdout / stderr, relative to SAMPLES_DIR. */
  stdout?: string;
  stderr?: string;
  /** Exit code: from the `.rc` file when there is one. */
  rc: number;
  cost: number | null;
  kind: OutcomeKind;
  reason?: RegExp;
  retry: boolean;
  /** Files the real run wrote (the fake agent writes them too). */
  writes?: string[];
}

function rcOf(base: string, fallback: number): number {
  const file = join(SAMPLES_DIR, `${base}.rc`);
  return existsSync(file) ? Number(/rc=(\d+)/.exec(readFileSync(file, "utf8"))![1]) : fallback;
}

const s = (x: Omit<Sample, "rc"> & { rc?: number }): Sample => {
  const base = (x.stdout ?? x.stderr)!.replace(/\.(json|jsonl|out|stdout|stderr|txt)$/, "");
  const stderr = x.stderr ?? (existsSync(join(SAMPLES_DIR, `${base}.stderr`)) && x.stdout !== `${base}.stderr` ? `${base}.stderr` : undefined);
  return { ...x, stderr, rc: rcOf(base, x.rc ?? 0) };
};

export const SAMPLES: Sample[] = [
  s({ name: "claude json success", agent: "claude", stdout: "claude-json-success.json", cost: 0.12, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "claude json --verbose (one-line array)", agent: "claude", stdout: "claude-json-verbose.json", cost: 0.12, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "claude stream-json", agent: "claude", stdout: "claude-stream-json-success.jsonl", cost: 0.12, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "claude stream-json partial messages", agent: "claude", stdout: "claude-stream-json-partial-messages.jsonl", cost: 0.12, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "claude-code-action execution file", agent: "claude", stdout: "claude-code-action-sample-turns.json", cost: 0.0347, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "claude stream-json without --verbose", agent: "claude", stderr: "claude-stream-json-noverbose.out", cost: null, kind: "usage", reason: /needs --verbose/, retry: false }),
  s({ name: "claude auth error", agent: "claude", stdout: "claude-json-auth-error.json", cost: 0, kind: "auth", reason: /authentication failed \(API 401: Invalid API key.*ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN/, retry: false }),
  s({ name: "claude API 500", agent: "claude", stdout: "claude-json-api500-error.json", cost: 0, kind: "error", reason: /claude reported an error \(API 500\)/, retry: true }),
  s({ name: "claude error_max_turns", agent: "claude", stdout: "claude-json-error-max-turns.json", cost: 0.24, kind: "limit", reason: /turn limit/, retry: false }),
  s({ name: "claude stream-json error_max_turns", agent: "claude", stdout: "claude-stream-json-error-max-turns.jsonl", cost: 0.36, kind: "limit", reason: /turn limit/, retry: false }),
  s({ name: "claude error_max_budget_usd", agent: "claude", stdout: "claude-json-error-max-budget.json", cost: 0.36, kind: "budget", reason: /--max-budget-usd/, retry: false }),
  s({ name: "claude permission denied", agent: "claude", stdout: "claude-json-permission-denied.json", cost: 0.24, kind: "permission", reason: /denied 1 tool call \(Write\)/, retry: false }),
  s({ name: "claude root refusal", agent: "claude", stderr: "claude-root-skip-permissions.out", cost: null, kind: "permission", reason: /as root: set IS_SANDBOX=1/, retry: false }),
  s({ name: "claude task read as an option", agent: "claude", stderr: "claude-dash-task.out", rc: 1, cost: null, kind: "usage", reason: /read "- Add tests for the parser" as an option/, retry: false }),
  s({ name: "claude SIGTERM (prints nothing)", agent: "claude", stdout: "claude-json-sigterm.out", cost: null, kind: "error", reason: /exit 143$/, retry: true }),
  s({ name: "codex success", agent: "codex", stdout: "codex-exec-json-success.jsonl", cost: 0.0165, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "codex default sandbox (wrote nothing)", agent: "codex", stdout: "codex-exec-json-tool-default-sandbox.jsonl", cost: 0.033, kind: "ok", retry: false }),
  s({ name: "codex workspace-write", agent: "codex", stdout: "codex-exec-json-tool-workspace-write.jsonl", cost: 0.033, kind: "ok", retry: false, writes: ["steps.txt"] }),
  s({ name: "codex auth error", agent: "codex", stdout: "codex-exec-json-auth-error.jsonl", cost: null, kind: "auth", reason: /authentication failed \(API 401\): set CODEX_API_KEY or OPENAI_API_KEY/, retry: false }),
  s({ name: "gemini no auth method", agent: "gemini", stderr: "gemini-json-auth-method-error.stderr", cost: null, kind: "auth", reason: /exit 41: Invalid auth method selected.*GEMINI_API_KEY/, retry: false }),
  s({ name: "gemini untrusted folder", agent: "gemini", stderr: "gemini-untrusted-dir.stderr", cost: null, kind: "permission", reason: /untrusted folder \(exit 55\)/, retry: false }),
  s({ name: "gemini json success", agent: "gemini", stdout: "gemini-json-success.json", cost: 0.03062, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "gemini stream-json success", agent: "gemini", stdout: "gemini-stream-json-success.jsonl", cost: 0.03062, kind: "ok", retry: false, writes: ["hello.txt"] }),
  s({ name: "gemini default approval (wrote nothing)", agent: "gemini", stdout: "gemini-json-tool-default-approval.json", cost: 0.04593, kind: "ok", retry: false }),
  s({ name: "gemini API key error", agent: "gemini", stdout: "gemini-json-apikey-error.stdout", cost: null, kind: "auth", reason: /authentication failed \(API 400\)/, retry: false }),
  s({ name: "gemini API 500 (killed by timeout)", agent: "gemini", stdout: "gemini-json-api500-error.stdout", cost: null, kind: "error", reason: /API answered 500 \(exit 124\)/, retry: true }),
  s({ name: "aider --message transcript", agent: "aider", stdout: "aider-0.86.2-message-transcript.txt", cost: 0.05, kind: "ok", retry: false, writes: ["ticket_cleaner/report.py"] }),
];

export function read(file: string | undefined): string {
  return file ? readFileSync(join(SAMPLES_DIR, file), "utf8") : "";
}

/**
 * FAKE_STEPS (JSON) lists one step per attempt (the last repeats): { stdout, stderr (sample files), rc, writes
 * (paths), commit (a message: commit what it wrote), lines (stream stdout line by line, `delayMs` apart), skip (drop
 * lines starting with this) }. Every run appends { argv, stdin, env } to $FAKE_LOG.
 */
export const FAKE_AGENT = `#!/usr/bin/env node
const fs = require("node:fs");
const { execFileSync } = require("node:child_process");
const e = process.env;
let stdin = "";
try { stdin = fs.readFileSync(0, "utf8"); } catch {}
const log = fs.existsSync(e.FAKE_LOG) ? fs.readFileSync(e.FAKE_LOG, "utf8").split("\\n").filter(Boolean) : [];
const steps = JSON.parse(e.FAKE_STEPS);
const step = steps[Math.min(log.length, steps.length - 1)];
fs.appendFileSync(e.FAKE_LOG, JSON.stringify({ argv: process.argv.slice(2), stdin, env: { IS_SANDBOX: e.IS_SANDBOX, WEAVE_BUDGET_LEFT_USD: e.WEAVE_BUDGET_LEFT_USD, WEAVE_NOTES: e.WEAVE_NOTES } }) + "\\n");
const read = (f) => (f ? fs.readFileSync(e.SAMPLES_DIR + "/" + f) : Buffer.alloc(0));
for (const w of step.writes ?? []) { fs.mkdirSync(require("node:path").dirname(w), { recursive: true }); fs.writeFileSync(w, "written by the fake agent, attempt " + log.length + "\\n"); }
if (step.commit) execFileSync("git", ["commit", "-qam", step.commit, "--allow-empty"], { stdio: "ignore" });
const finish = () => { process.stderr.write(read(step.stderr)); process.exitCode = step.rc ?? 0; };
if (step.lines) {
  const lines = read(step.stdout).toString("utf8").split("\\n").filter((l) => l && !(step.skip && l.startsWith(step.skip)));
  let i = 0;
  const next = () => { if (i >= lines.length) { if (step.hang) setTimeout(() => {}, 1e9); else finish(); return; } process.stdout.write(lines[i++] + "\\n"); setTimeout(next, step.delayMs ?? 0); };
  next();
} else {
  process.stdout.write(read(step.stdout));
  finish();
}
`;

