/**
 * `weave init [--force] [--action REF] [--agent NAME]`: set a repository up for weave.
 * Responsibilities: write `.github/weave.yml` (a commented example plan), `.github/workflows/weave-worker.yml`,
 * and `.weave/` to `.gitignore`; print the next steps.
 * Not here: the workflow's content (init/worker-workflow.ts), the plan's (init/example-plan.ts).
 * Invariants: never overwrites an existing file without --force; writes nothing when it refuses.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { WeaveError } from "../../core/errors.js";
import { examplePlan } from "../../init/example-plan.js";
import { renderWorkerWorkflow } from "../../init/worker-workflow.js";
import { AGENT_NAMES, AGENT_PRESETS } from "../../worker/agents/presets.js";
import type { AgentName } from "../../worker/agents/presets.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { findRepoRoot } from "../repo-root.js";

export async function runInit(argv: string[], io: CliIo): Promise<number> {
  const usage = `weave init [--force] [--action OWNER/REPO/action@REF] [--agent ${AGENT_NAMES.join("|")}]`;
  const { values } = parseOptions(argv, { force: { type: "boolean" }, action: { type: "string" }, agent: { type: "string" } }, usage);
  const agent = (values.agent ?? "claude") as AgentName;
  if (!AGENT_NAMES.includes(agent)) throw new WeaveError("usage", `--agent must be one of ${AGENT_NAMES.join(", ")}, not "${values.agent}"`, { hint: usage });
  const repo = await findRepoRoot(io.cwd);
  const files = [
    { path: ".github/weave.yml", content: examplePlan(agent) },
    { path: ".github/workflows/weave-worker.yml", content: renderWorkerWorkflow({ actionRef: values.action, agent }) },
  ];
  const existing = files.filter((f) => existsSync(join(repo, f.path)));
  if (existing.length > 0 && !values.force) {
    throw new WeaveError("usage", `${existing.map((f) => f.path).join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written`, { hint: "run `weave init --force` to overwrite" });
  }
  for (const f of files) {
    await mkdir(dirname(join(repo, f.path)), { recursive: true });
    await writeFile(join(repo, f.path), f.content);
    write(io.stdout, `wrote ${f.path}`);
  }
  const gitignore = join(repo, ".gitignore");
  const current = existsSync(gitignore) ? await readFile(gitignore, "utf8") : "";
  if (!/^\/?\.weave\/?\s*$/m.test(current)) {
    await appendFile(gitignore, `${current && !current.endsWith("\n") ? "\n" : ""}.weave/\n`);
    write(io.stdout, "added .weave/ to .gitignore");
  }
  write(io.stdout, `
Next steps:
  1. Edit .github/weave.yml: your milestones, their depends_on, files and tasks. Check it: weave plan check
  2. Run it here:            weave start      (worktrees under .weave/, merges into your branch)
  3. Or on GitHub:           commit both files, install the weave GitHub App, add ${agent === "custom" ? "your agent's API key" : AGENT_PRESETS[agent].secrets.join(" or ")} as a secret,
                             then comment "/weave start" on an issue.`);
  return 0;
}
