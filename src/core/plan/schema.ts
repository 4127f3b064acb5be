/**
 * Plan file schema (`.github/weave.yml`): the single source of truth for what users may write.
 * Responsibilities: strict zod schema with defaults and descriptions; the JSON Schema for editors is generated from it.
 * Not here: positions (core/plan/yaml-positions.ts) and error wording (core/plan/schema-problems.ts), graph checks (core/plan/validate-graph.ts).
 * Invariants: unknown keys are errors; every default lives here and nowhere else.
 */
import { z } from "zod";
import { isBranchName } from "./branch-name.js";
import { parseDuration } from "./duration.js";
import { globProblem } from "./glob-overlap.js";

export const MILESTONE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const Duration = z
  .union([z.number().nonnegative(), z.string().meta({ pattern: "^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h|d))+)\\s*$" })])
  .meta({ description: "A duration: 90s, 5m, 1h30m, 1.5h, 2d, or a number of seconds." })
  .transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      ctx.issues.push({ code: "custom", input: value, message: `"${value}" is not a duration (write e.g. 90s, 5m or 1h30m)` });
      return z.NEVER;
    }
    return seconds;
  });

const MilestoneId = z
  .string()
  .regex(MILESTONE_ID_PATTERN, {
    message: "milestone IDs are 1–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
  })
  .refine((id) => !id.includes("..") && !id.endsWith(".") && !id.endsWith(".lock"), {
    message: "milestone IDs become branch names: no '..', no trailing '.', no '.lock' ending",
  });

export const OverlapPolicy = z.enum(["warn", "serialize"]);
export type OverlapPolicy = z.infer<typeof OverlapPolicy>;

export const MilestoneSchema = z.strictObject({
  id: MilestoneId.meta({ description: "Unique ID; the branch is weave/<id>." }),
  title: z.string().optional().meta({ description: "One-line title shown in reports." }),
  depends_on: z.array(MilestoneId).default([]).meta({ description: "IDs that must be merged before this one starts." }),
  files: z.array(z.string().min(1).superRefine((pattern, ctx) => {
    const problem = globProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `files pattern "${pattern.slice(0, 60)}": ${problem}` });
  })).default([]).meta({ description: "Paths or globs this milestone expects to touch." }),
  tasks: z.array(z.string().min(1)).min(1, { message: "a milestone needs at least one task" }).meta({ description: "Tasks run one by one by the worker command." }),
  estimate: Duration.optional().meta({ description: "Expected duration; drives scheduling priority." }),
  overlap: OverlapPolicy.optional().meta({ description: "Overrides the plan's overlap policy for this milestone." }),
});

export const MergeSchema = z.strictObject({
  via: z.enum(["pr", "direct"]).default("pr").meta({ description: "pr: through a pull request; direct: merge and push the target." }),
  auto: z.enum(["auto", "confirm", "manual"]).default("confirm").meta({ description: "When finished milestones land." }),
  order: z.enum(["sequential", "completion"]).default("sequential").meta({ description: "sequential: plan order; completion: as they finish." }),
  method: z.enum(["merge", "squash", "rebase"]).default("merge"),
  resolve: z.enum(["manual", "agent"]).default("manual").meta({ description: "What happens on a conflict." }),
  scope: z.enum(["warn", "strict"]).default("warn").meta({ description: "Files outside a milestone's `files`: warn or block." }),
  keep_branches: z.boolean().default(false),
});

const TokenPriceSchema = z.strictObject({
  input: z.number().nonnegative().meta({ description: "USD per million uncached input tokens." }),
  cached_input: z.number().nonnegative().optional().meta({ description: "USD per million cached input tokens (default: input)." }),
  output: z.number().nonnegative().meta({ description: "USD per million output tokens (reasoning included)." }),
});

/** Longest default a task may run: a hung agent must not heartbeat forever. */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 45 * 60;

export const WorkerSchema = z
  .strictObject({
    agent: z.enum(["claude", "codex", "gemini", "aider", "custom"]).default("custom").meta({
      description: "A preset (claude, codex, gemini, aider) fixes the command, flags, cost reader and install step; custom runs `command`.",
    }),
    command: z.string().min(1).optional().meta({ description: "Run once per task (overrides the preset's); the task text is in $WEAVE_TASK and the file $WEAVE_TASK_FILE." }),
    cost: z.enum(["claude-json", "codex-jsonl", "gemini-json", "aider", "cost-file", "none"]).optional().meta({ description: "How cost is read (default: the preset's, or guessed from the command)." }),
    model: z.string().min(1).optional().meta({ description: "Model name passed to presets as $WEAVE_MODEL and used to look up `prices`." }),
    prices: z.record(z.string(), TokenPriceSchema).default({}).meta({ description: "USD per million tokens, per model name (or prefix, or \"*\"): prices agents that report tokens, not dollars." }),
    max_turns: z.number().int().min(1).optional().meta({ description: "Passed to agents that have a turn limit ($WEAVE_MAX_TURNS; claude's --max-turns)." }),
    allow_empty: z.boolean().default(false).meta({ description: "A milestone whose tasks changed no files succeeds (default: it fails with `no changes`)." }),
    heartbeat_interval: Duration.default(10),
    task_timeout: Duration.default(DEFAULT_TASK_TIMEOUT_SECONDS).meta({ description: "One task's longest run (default 45m); a timeout counts as a failed attempt." }),
    verify: z.string().min(1).optional().meta({ description: "Command that must exit 0 after the last task." }),
    verify_retries: z.number().int().min(0).max(10).default(1),
    stop_grace: Duration.default(10).meta({ description: "Time between SIGTERM and SIGKILL when stopping." }),
  })
  .refine((w) => w.agent !== "custom" || w.command !== undefined, { message: "worker needs `command` (or `agent: claude | codex | gemini | aider`)", path: ["command"] });

export const PlanFileSchema = z.strictObject({
  version: z.literal(1, { message: "version must be 1" }),
  target: z.string().min(1).refine(isBranchName, { message: "target must be a branch name (as `git check-ref-format --branch` accepts): no leading '-', spaces, '..', '~', '^', ':', '?', '*', '[', '\\', '@{', and no '.lock' or '/' at the end" }).optional().meta({ description: "Branch milestones merge into; default: the default branch." }),
  max_workers: z.number().int().min(1).max(64).default(3),
  budget_ceiling: z.number().positive().optional().meta({ description: "USD across all workers of a run." }),
  budget_action: z.enum(["stop", "drain"]).default("stop"),
  heartbeat_timeout: Duration.default(300),
  retries: z.number().int().min(0).max(10).default(2),
  order: z.enum(["critical-path", "plan"]).default("critical-path").meta({ description: "Which eligible milestone starts first." }),
  overlap: OverlapPolicy.default("warn"),
  merge: MergeSchema.default(MergeSchema.parse({})),
  worker: WorkerSchema,
  milestones: z.array(MilestoneSchema).min(1, { message: "a plan needs at least one milestone" }),
});

export type PlanFile = z.output<typeof PlanFileSchema>;
export type MilestoneFile = z.output<typeof MilestoneSchema>;

/** JSON Schema for editors (`# yaml-language-server: $schema=…`). */
export function createPlanJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PlanFileSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, $id: "https://weave.dev/schema/weave.schema.json", title: "weave plan (.github/weave.yml)" };
}
