// Presets are data; the plan overrides them field by field; a custom command's agent is recognised by its first word.
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { WeaveError } from "../../src/core/errors.js";
import { AGENT_PRESETS, familyOfCommand, resolveAgent } from "../../src/worker/agents/presets.js";

const worker = (lines: string) => parsePlan(`version: 1\nworker:\n${lines}milestones:\n  - { id: a, tasks: [t] }\n`, "weave.yml").worker;

describe("agent presets", () => {
  it("each preset passes the task on stdin, from the file or as --opt=value, with the unattended-edit flags", () => {
    expect(AGENT_PRESETS.claude.command).toMatch(/--dangerously-skip-permissions .*< "\$WEAVE_TASK_FILE"$/);
    expect(AGENT_PRESETS.claude.command).toContain('${WEAVE_BUDGET_LEFT_USD:+--max-budget-usd "$WEAVE_BUDGET_LEFT_USD"}');
    expect(AGENT_PRESETS.claude.command).toContain("--output-format stream-json --verbose");
    expect(AGENT_PRESETS.codex.command).toMatch(/--sandbox workspace-write --skip-git-repo-check .* - < "\$WEAVE_TASK_FILE"$/);
    expect(AGENT_PRESETS.gemini.command).toMatch(/--yolo --skip-trust .*--prompt="\$WEAVE_TASK"$/);
    expect(AGENT_PRESETS.aider.command).toMatch(/--yes-always --no-auto-commits .*--message-file "\$WEAVE_TASK_FILE"$/);
    for (const p of Object.values(AGENT_PRESETS)) {
      // Never a standalone argument, where a task starting with "-" is an option.
      expect(p.command).not.toMatch(/\s"\$WEAVE_TASK"/);
      expect(p.install.run).toContain(p.install.version);
    }
  });

  it("the plan overrides any field; the rest stays the preset's", () => {
    const w = worker("  agent: codex\n  cost: cost-file\n");
    expect(resolveAgent(w)).toMatchObject({ command: AGENT_PRESETS.codex.command, cost: "cost-file", family: "codex" });
    expect(resolveAgent(worker("  agent: claude\n  command: my-claude-wrapper\n"))).toMatchObject({ command: "my-claude-wrapper", cost: "claude-json", family: "claude" });
  });

  it("a custom claude command without `cost:` reads Claude's cost (it used to default to cost-file and record $0)", () => {
    expect(resolveAgent(worker('  command: claude -p "$WEAVE_TASK" --output-format json\n')).cost).toBe("claude-json");
    expect(resolveAgent(worker("  command: /usr/local/bin/codex exec --json -\n")).cost).toBe("codex-jsonl");
    expect(resolveAgent(worker("  command: node agent.mjs\n")).cost).toBe("cost-file");
    expect(familyOfCommand("  gemini -p x")).toBe("gemini");
    expect(familyOfCommand("aider-wrapper")).toBe("other");
  });

  it("task_timeout defaults to 45 minutes; custom needs a command", () => {
    expect(worker("  agent: claude\n").task_timeout).toBe(2700);
    expect(worker("  agent: claude\n").allow_empty).toBe(false);
    expect(() => worker("  agent: custom\n")).toThrow(WeaveError);
  });
});
