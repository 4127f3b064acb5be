/**
 * Agent presets: everything a plan otherwise gets wrong about running a coding agent headless, as data in one place.
 * Responsibilities: per agent the command (task passed on stdin, from $WEAVE_TASK_FILE or as `--opt=value`, never
 * where it can be read as an option), the flags for unattended edits, the output format and its cost reader, the
 * pinned install step of the generated workflow and the secrets it needs; resolving a plan's `worker` section
 * (`agent` plus any field it overrides) into what the worker runs.
 * Not here: reading costs and outcomes (cost-meter.ts, agent-outcome.ts), the workflow text (init/worker-workflow.ts).
 * Invariants: pure data; a plan field, when set, always wins over the preset's.
 */
import type { AgentFamily } from "./agent-outcome.js";
import type { CostFormat } from "./cost-meter.js";

export const AGENT_NAMES = ["claude", "codex", "gemini", "aider", "custom"] as const;
export type AgentName = (typeof AGENT_NAMES)[number];
export type PresetName = Exclude<AgentName, "custom">;

export interface AgentInstall {
  /** Shell lines (bash -e) that install the pinned version. */
  run: string;
  /** What actions/cache keeps between jobs, and the version in its key. */
  cachePath: string;
  version: string;
  /** Needs actions/setup-python first (aider). */
  python?: boolean;
}

export interface AgentPreset {
  family: AgentFamily;
  command: string;
  cost: CostFormat;
  install: AgentInstall;
  /** Secrets passed to the job's environment; any one of them is enough. */
  secrets: readonly string[];
  /** Extra environment when the worker runs as root (containers, self-hosted runners). */
  rootEnv?: Readonly<Record<string, string>>;
}

const npmInstall = (pkg: string, version: string): AgentInstall => ({
  run: `npm install --global --no-fund --no-audit ${pkg}@${version}`,
  cachePath: "~/.npm",
  version,
});

export const AGENT_PRESETS: Readonly<Record<PresetName, AgentPreset>> = {
  claude: {
    family: "claude",
    command:
      'claude -p --output-format stream-json --verbose --dangerously-skip-permissions ${WEAVE_MODEL:+--model "$WEAVE_MODEL"} ${WEAVE_MAX_TURNS:+--max-turns "$WEAVE_MAX_TURNS"} ${WEAVE_BUDGET_LEFT_USD:+--max-budget-usd "$WEAVE_BUDGET_LEFT_USD"} < "$WEAVE_TASK_FILE"',
    cost: "claude-json",
    install: npmInstall("@anthropic-ai/claude-code", "2.1.197"),
    secrets: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"],
    rootEnv: { IS_SANDBOX: "1" },
  },
  codex: {
    family: "codex",
    command: 'codex exec --json --sandbox workspace-write --skip-git-repo-check ${WEAVE_MODEL:+--model "$WEAVE_MODEL"} - < "$WEAVE_TASK_FILE"',
    cost: "codex-jsonl",
    install: npmInstall("@openai/codex", "0.171.0"),
    secrets: ["CODEX_API_KEY", "OPENAI_API_KEY"],
  },
  gemini: {
    family: "gemini",
    command: 'gemini --output-format stream-json --yolo --skip-trust ${WEAVE_MODEL:+--model "$WEAVE_MODEL"} --prompt="$WEAVE_TASK"',
    cost: "gemini-json",
    install: npmInstall("@google/gemini-cli", "0.61.0"),
    secrets: ["GEMINI_API_KEY"],
  },
  aider: {
    family: "aider",
    command:
      'aider --yes-always --no-auto-commits --no-pretty --no-stream --no-check-update --no-show-model-warnings ${WEAVE_MODEL:+--model "$WEAVE_MODEL"} --message-file "$WEAVE_TASK_FILE"',
    cost: "aider",
    install: { run: "python -m pip install --upgrade aider-chat==0.86.2", cachePath: "~/.cache/pip", version: "0.86.2", python: true },
    secrets: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
  },
};

/** The parts of a plan's `worker` section that choose the agent. */
export interface AgentSettings {
  agent: AgentName;
  command?: string;
  cost?: CostFormat;
}

export interface ResolvedAgent {
  name: AgentName;
  family: AgentFamily;
  command: string;
  cost: CostFormat;
  rootEnv: Readonly<Record<string, string>>;
  /** First word of the command (for "command not found"). */
  executable: string;
  /** Not an agent (a verify command): only its exit code, a timeout or a stop count. */
  plain?: boolean;
}

const FAMILY_COST: Record<AgentFamily, CostFormat> = { claude: "claude-json", codex: "codex-jsonl", gemini: "gemini-json", aider: "aider", other: "cost-file" };

/** Which agent a custom command runs, from its first word (`claude -p …` is Claude Code). */
export function familyOfCommand(command: string): AgentFamily {
  const first = command.trim().split(/\s+/)[0] ?? "";
  const base = first.slice(first.lastIndexOf("/") + 1);
  return base === "claude" || base === "codex" || base === "gemini" || base === "aider" ? base : "other";
}

export function resolveAgent(settings: AgentSettings): ResolvedAgent {
  const preset = settings.agent === "custom" ? undefined : AGENT_PRESETS[settings.agent];
  const command = settings.command ?? preset?.command ?? "";
  const family = preset?.family ?? familyOfCommand(command);
  const executable = command.trim().split(/\s+/)[0] ?? "";
  return { name: settings.agent, family, command, cost: settings.cost ?? preset?.cost ?? FAMILY_COST[family], rootEnv: preset?.rootEnv ?? {}, executable };
}
