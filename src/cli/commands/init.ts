/**
 * `weave init [--force] [--action-ref OWNER/REPO[/PATH]@REF] [--agent NAME] [--coordinator app|actions]`: set a
 * repository up for weave.
 * Responsibilities: write `.github/weave.yml` (a commented example plan), `.github/workflows/weave-worker.yml`,
 * with `--coordinator actions` (the default) also `.github/workflows/weave-coordinator.yml` (no server; `app` is
 * the App server instead), and `.weave/` to `.gitignore`; choose the target branch (the plan's, else the repository's
 * default: init/target-branch.ts) for the coordinator's push trigger and the plan's `target` line, and say which;
 * print the next steps for the chosen coordinator.
 * Not here: the workflows' content (init/worker-workflow.ts, init/coordinator-workflow.ts), the plan's (init/example-plan.ts), where the Action and
 * schema live (cli/package-info.ts: from the installed package.json's `repository` and `version`).
 * Invariants: never overwrites an existing file without --force; writes nothing when it refuses.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { WeaveError } from "../../core/errors.js";
import { examplePlan } from "../../init/example-plan.js";
import { COORDINATOR_WORKFLOW_FILE, renderCoordinatorWorkflow } from "../../init/coordinator-workflow.js";
import { chooseTargetBranch, describeTargetSource } from "../../init/target-branch.js";
import { renderWorkerWorkflow } from "../../init/worker-workflow.js";
import { AGENT_NAMES, AGENT_PRESETS } from "../../worker/agents/presets.js";
import type { AgentName } from "../../worker/agents/presets.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { ACTION_REF, defaultActionRef, readPackageInfo, schemaUrl } from "../package-info.js";
import { findRepoRoot } from "../repo-root.js";
import { PLAN_PATH } from "../../core/plan/plan-path.js";
import { LEDGER_SECRET_MIN_LENGTH } from "../../core/ledger-mac.js";

export const INIT_USAGE = `weave init [--force] [--action-ref OWNER/REPO[/PATH]@REF] [--agent ${AGENT_NAMES.join("|")}] [--coordinator app|actions]`;

/** Where weave's loop runs on GitHub: a workflow (the default, no server) or the App server. */
const COORDINATORS = ["app", "actions"] as const;

export async function runInit(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { force: { type: "boolean" }, "action-ref": { type: "string" }, action: { type: "string" }, agent: { type: "string" }, coordinator: { type: "string" } }, INIT_USAGE);
  const coordinator = values.coordinator ?? "actions";
  if (!(COORDINATORS as readonly string[]).includes(coordinator)) throw new WeaveError("usage", `--coordinator must be app or actions, not "${coordinator}"`, { hint: `usage: ${INIT_USAGE}` });
  const inActions = coordinator === "actions";
  const agent = (values.agent ?? "claude") as AgentName;
  if (!AGENT_NAMES.includes(agent)) throw new WeaveError("usage", `--agent must be one of ${AGENT_NAMES.join(", ")}, not "${values.agent}"`, { hint: `usage: ${INIT_USAGE}` });
  const info = readPackageInfo();
  const actionRef = values["action-ref"] ?? values.action ?? defaultActionRef(info);
  if (!actionRef) {
    throw new WeaveError("usage", `this weave package (${info.name} ${info.version}) names no GitHub repository, so it cannot tell which worker Action to use`, { hint: `pass one: ${INIT_USAGE}` });
  }
  if (!ACTION_REF.test(actionRef)) {
    throw new WeaveError("usage", `--action-ref must look like OWNER/REPO[/PATH]@REF (e.g. octo/weave/action@v1), not "${actionRef}"`, { hint: `usage: ${INIT_USAGE}` });
  }
  const repo = await findRepoRoot(io.cwd);
  // The branch milestones merge into: the plan's target (a plan --force replaces keeps it), else the default branch.
  const planFile = join(repo, PLAN_PATH);
  const target = await chooseTargetBranch(repo, existsSync(planFile) ? await readFile(planFile, "utf8").catch(() => undefined) : undefined);
  const files = [
    { path: PLAN_PATH, content: examplePlan(agent, schemaUrl(info), { branch: target.branch, keep: target.source === "plan" }) },
    { path: ".github/workflows/weave-worker.yml", content: renderWorkerWorkflow({ actionRef, agent, coordinator: inActions ? "actions" : "app" }) },
    ...(inActions ? [{ path: `.github/workflows/${COORDINATOR_WORKFLOW_FILE}`, content: renderCoordinatorWorkflow({ actionRef, target: target.branch }) }] : []),
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
  const targetNote = `target branch: ${target.branch} (${describeTargetSource(target.source)})`;
  write(io.stdout, inActions ? `${targetNote}: the coordinator wakes on pushes to it` : targetNote);
  const secrets = agent === "custom" ? "your agent's API key" : AGENT_PRESETS[agent].secrets.join(" or ");
  if (inActions) {
    write(io.stdout, `
Next steps:
  1. Edit .github/weave.yml: your milestones, their depends_on, files and tasks. Check it: weave plan check
  2. Commit first (weave refuses a dirty target checkout):  git add .github .gitignore && git commit -m "weave plan"
  3. Run it here:            weave start      (worktrees under .weave/, merges into your branch; merge.auto: auto lands each milestone)
  4. Or on GitHub, no server: push to the default branch; add ${secrets} as a repository secret, and
                             WEAVE_LEDGER_KEY (a random string of at least ${LEDGER_SECRET_MIN_LENGTH} characters, e.g. the output of
                             \`openssl rand -hex 32\`), which only the coordinator job reads; then comment
                             "/weave start" on an issue. Each event runs one short coordinator job with GITHUB_TOKEN.
                             Pushes and PRs made with GITHUB_TOKEN start no CI: if milestone PRs need required checks,
                             create a GitHub App of your own (Contents and Pull requests: read and write), install it
                             here and add WEAVE_APP_ID and WEAVE_APP_PRIVATE_KEY as secrets; the coordinator then
                             pushes and opens PRs as that App. The coordinator wakes on pushes to ${target.branch}: if you
                             change the plan's target, change the push trigger in ${COORDINATOR_WORKFLOW_FILE} too.
                             Both workflows use ${actionRef}.
                             For the App server instead (webhooks, live heartbeats): weave init --force --coordinator app
                             (it writes these files again).`);
    return 0;
  }
  write(io.stdout, `
Next steps:
  1. Edit .github/weave.yml: your milestones, their depends_on, files and tasks. Check it: weave plan check
  2. Commit first (weave refuses a dirty target checkout):  git add .github .gitignore && git commit -m "weave plan"
  3. Run it here:            weave start      (worktrees under .weave/, merges into your branch; merge.auto: auto lands each milestone)
  4. Or on GitHub:           push, register your own weave App with the manifest flow (see "Running the App" in
                             ${info.githubRepo ? `https://github.com/${info.githubRepo}#readme` : "weave's README"}), install it on this repository,
                             add ${secrets} as a secret, then comment "/weave start" on an issue.
                             The worker workflow uses ${actionRef}.`);
  return 0;
}
