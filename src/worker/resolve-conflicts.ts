/**
 * Resolve run (`merge.resolve: agent`): merge the target into weave/<ID>, let the agent resolve the conflicts, commit
 * the two-parent merge with `Weave-Resolve` trailers and push it, so the coordinator's next merge attempt is clean.
 * Responsibilities: fetch the target, conflicts in weave's own paths (core/weave-owned-paths.ts) to the milestone's side, one agent run (plus verify fix
 * passes), the marker check, heartbeats, cost, pause (before the agent only) and stop, the final report.
 * Not here: deciding to resolve or retrying the merge (github/, reconcile/), the task loop (worker-loop.ts), the git
 * questions asked of the merge in progress (worker/merge-in-checkout.ts), the verify gate's attempts (worker/verify-gate.ts).
 * Invariants: only a fully resolved merge is committed and pushed, never forced; any failure, stop or pause aborts
 * the merge and leaves weave/<ID> (local and remote) where it was.
 */
import { createWriteStream } from "node:fs";
import { WeaveError } from "../core/errors.js";
import { isWeaveOwnedPath } from "../core/weave-owned-paths.js";
import { createGit } from "../git/git-executor.js";
import { findMilestone } from "../core/plan/plan.js";
import type { WorkerStatus } from "../ports/reporter.js";
import { agentTaskEnv, describeExit, runAgentTask } from "./agent-task.js";
import type { TaskRun } from "./agent-task.js";
import type { ResolvedAgent } from "./agents/presets.js";
import { resolveAgent } from "./agents/presets.js";
import { formatResolveMessage, progressFrom } from "./checkpoint.js";
import { createStatusSender } from "./status-sender.js";
import { mergeInCheckout } from "./merge-in-checkout.js";
import { fixPasses, runVerifyGate } from "./verify-gate.js";
import { createWorkerGit } from "./worker-git.js";
import { verifyCheckout } from "./worker-loop.js";
import type { WorkerRunOptions } from "./worker-loop.js";

export interface ResolveConflictsOptions extends WorkerRunOptions {
  /** Branch to merge into weave/<ID> (the plan's `target` or the default branch). */
  target: string;
  /** Remote to fetch the target from and push weave/<ID> to (default `origin`). */
  remote?: string;
  /** Environment of git commands (committer identity, no prompts). */
  gitEnv?: NodeJS.ProcessEnv;
  /** Environment of the fetch and the push only (credentials), when they need more than `gitEnv`. */
  remoteGitEnv?: NodeJS.ProcessEnv;
}

/** The instruction the agent gets as $WEAVE_TASK. */
export function resolveInstruction(milestone: string, target: string, files: readonly string[]): string {
  return `Resolve the merge conflicts of merging ${target} into weave/${milestone} in these files: ${files.join(", ")}; keep both sides' intent; remove all conflict markers. ` +
    "Do not commit, abort the merge or run git merge yourself: weave checks the files and commits the merge when you are done.";
}

export async function runResolveConflicts(options: ResolveConflictsOptions): Promise<WorkerStatus> {
  const { plan, reporter, signals, target } = options;
  const now = options.now ?? (() => new Date());
  const remote = options.remote ?? "origin";
  const milestone = findMilestone(plan, options.milestoneId);
  if (!milestone) throw new WeaveError("unknown-milestone", `${options.milestoneId} is not in ${plan.file}`);
  const branch = `weave/${milestone.id}`;
  const targetRef = `refs/remotes/${remote}/${target}`;
  const agentSpec = resolveAgent(plan.worker);
  const command = options.commandOverride ?? agentSpec.command;
  const verifySpec: ResolvedAgent = { name: "custom", family: "other", command: plan.worker.verify ?? "", cost: "none", rootEnv: {}, executable: "", plain: true };
  const envFor = (text: string, extra: Record<string, string>): NodeJS.ProcessEnv =>
    agentTaskEnv({ base: options.env, milestone: milestone!, plan, agent: agentSpec, runId: options.runId, costFile: options.costFile, task: milestone!.tasks.length, text, extra });
  const runner = (env: NodeJS.ProcessEnv | undefined) => {
    const executor = createGit(options.cwd, { env });
    return (args: readonly string[]): Promise<string> => executor.run(args);
  };
  const git = runner(options.gitEnv);
  const remoteGit = runner(options.remoteGitEnv ?? options.gitEnv);
  const workerGit = createWorkerGit(options.cwd, { env: options.gitEnv });
  const merge = mergeInCheckout(git, options.cwd);
  const log = options.logPath ? createWriteStream(options.logPath, { flags: "a" }) : undefined;
  const { status, send } = createStatusSender(milestone, options.runId, reporter, signals, now);
  let before = "";
  let merging = false;

  try {
    before = (await verifyCheckout(milestone, workerGit, options.expectedHead)).head;
    await remoteGit(["fetch", "-q", "--no-tags", remote, `+refs/heads/${target}:${targetRef}`]).catch((e: unknown) => {
      throw new WeaveError("git-failed", `cannot fetch the target branch ${target}: ${(e as Error).message}`, { hint: "the checkout needs `fetch-depth: 0` and read access to the repository" });
    });
    // A merge or changes left by an earlier attempt that died: start again from the branch as pushed.
    if (await merge.inProgress()) await git(["merge", "--abort"]).catch(() => undefined);
    if (await workerGit.isDirty()) await workerGit.discardChanges();
    const progress = progressFrom(await workerGit.messagesSince(targetRef), milestone.id);
    await send({ state: "running", tasksDone: progress.tasksDone, costUsd: progress.costUsd, headSha: before, currentTaskText: `merge ${target} into ${branch}` });
    if (signals.current) return await finish(signals.current === "stop" ? "stopped" : "paused");

    const targetSha = (await git(["rev-parse", targetRef])).trim();
    if (await merge.isAncestor(targetSha, before)) return await finish("finished");

    merging = true;
    const clean = await git(["merge", "--no-ff", "--no-commit", "--no-verify", "-q", targetRef]).then(() => true, async (e: unknown) => {
      if (await merge.inProgress() && (await merge.unmergedPaths()).length > 0) return false;
      throw e;
    });
    if (clean) return await commitAndPush(false, 0);

    const conflicted = await merge.unmergedPaths();
    const own = conflicted.filter(isWeaveOwnedPath);
    const files = conflicted.filter((f) => !isWeaveOwnedPath(f));
    await merge.takeOurs(own);
    if (files.length === 0) return await commitAndPush(true, 0);

    const text = resolveInstruction(milestone.id, target, files);
    const extra = { WEAVE_CONFLICTS: files.join("\n"), WEAVE_RESOLVE: "1", WEAVE_TARGET: target };
    await send({ state: "running", currentTaskText: text });
    let spent = 0;
    const agent = await runTask(command, envFor(text, extra), true);
    spent += agent.costUsd ?? 0;
    const afterAgent = await checkAgentRun(agent, files);
    if (afterAgent) return afterAgent;

    const verify = plan.worker.verify;
    if (verify) {
      const fixText = `Fix what makes \`${verify}\` fail after resolving the conflicts of merging ${target} into ${branch}. Its output is in $WEAVE_VERIFY_OUTPUT. Do not commit.`;
      const verdict = await runVerifyGate({
        plan, signals, send,
        runCheck: () => runTask(verify, envFor("verify", { ...extra, WEAVE_VERIFY: "1" }), false),
        async runFix(attempt, output, failed) {
          await send({ state: "running", verify: failed, currentTaskText: fixText });
          const fix = await runTask(command, envFor(fixText, { ...extra, WEAVE_VERIFY_OUTPUT: output.join("\n"), WEAVE_FIX_PASS: String(attempt) }), true);
          spent += fix.costUsd ?? 0;
          return fix;
        },
        afterFix: (fix) => checkAgentRun(fix, files),
        end: abort,
        failure: (check, passes) => `resolving the conflicts of merging ${target} into ${branch}: verify \`${verify}\` failed (${describeExit(check.process)}) ${fixPasses(passes)}; nothing was pushed`,
      });
      if ("ended" in verdict) return verdict.ended;
      status.verify = verdict.passed;
    }
    if (signals.current === "stop") return await abort("stopped");
    return await commitAndPush(true, spent);
  } catch (e) {
    if (e instanceof WeaveError && e.code === "wrong-checkout") throw e;
    return await abort("failed", { error: e instanceof Error ? e.message : String(e) });
  } finally {
    log?.end();
  }

  /** One run of `shellCommand`; an agent run's cost counts at once (spent even when the merge is then aborted). */
  async function runTask(shellCommand: string, env: NodeJS.ProcessEnv, agent: boolean): Promise<TaskRun> {
    const run = await runAgentTask(shellCommand, env, {
      plan, agent: agent ? agentSpec : verifySpec, cwd: options.cwd, costFile: options.costFile, signals, log,
      onPid: (pid) => void (status.taskPid = pid),
      beat: () => void send().catch(() => undefined),
    });
    if (agent) status.costUsd += run.costUsd ?? 0;
    if (agent && run.costUsd === null) status.costUnknown = true;
    return run;
  }

  /** The outcome when an agent run leaves the merge unusable, or undefined when the merge can go on. */
  async function checkAgentRun(run: TaskRun, files: readonly string[]): Promise<WorkerStatus | undefined> {
    if (run.interrupted) return await abort("stopped");
    const lastOutput = run.process.tail.slice(-20);
    if (!run.ok) return await abort("failed", { error: `the agent could not resolve the conflicts of merging ${target} into ${branch} (${run.outcome.reason ?? describeExit(run.process)}); still conflicted: ${files.join(", ")}; nothing was pushed`, lastOutput });
    const [head, mergeHead] = await Promise.all([workerGit.head(), merge.mergeHead()]);
    if (head !== before || !mergeHead) {
      return await abort("failed", { error: `the agent ${head !== before ? "committed" : "aborted"} the merge of ${target} into ${branch} itself (weave commits it); still conflicted: ${files.join(", ")}; nothing was pushed`, lastOutput });
    }
    const left = await merge.withMarkers(files);
    if (left.length > 0) return await abort("failed", { error: `conflict markers left after the agent ran, merging ${target} into ${branch}; still conflicted: ${left.join(", ")}; nothing was pushed`, lastOutput });
    return undefined;
  }

  async function commitAndPush(conflicted: boolean, costUsd: number): Promise<WorkerStatus> {
    await git(["add", "-A"]);
    const unmerged = await merge.unmergedPaths();
    if (unmerged.length > 0) return await abort("failed", { error: `merging ${target} into ${branch}: still conflicted: ${unmerged.join(", ")}; nothing was pushed` });
    await git(["commit", "--no-verify", "-q", "-m", formatResolveMessage({ milestone: milestone!.id, target, costUsd, conflicted })]);
    merging = false;
    const head = (await git(["rev-parse", "HEAD"])).trim();
    try {
      await remoteGit(["push", "-q", remote, `HEAD:refs/heads/${branch}`]);
    } catch (e) {
      await git(["reset", "-q", "--hard", before]).catch(() => undefined);
      return await finish("failed", { error: `cannot push the resolved merge to ${branch}: ${(e as Error).message}`, headSha: before });
    }
    return await finish("finished", { headSha: head });
  }

  /** Abort the merge (if one is in progress) so weave/<ID> is exactly as before, then report. */
  async function abort(state: WorkerStatus["state"], patch: Partial<WorkerStatus> = {}): Promise<WorkerStatus> {
    if (merging || (await merge.inProgress())) {
      await git(["merge", "--abort"]).catch(() => undefined);
      merging = false;
    }
    if (before && (await workerGit.head().catch(() => "")) !== before) await git(["reset", "-q", "--hard", before]).catch(() => undefined);
    return await finish(state, { headSha: before || undefined, ...patch });
  }

  async function finish(state: WorkerStatus["state"], patch: Partial<WorkerStatus> = {}): Promise<WorkerStatus> {
    const headSha = patch.headSha ?? status.headSha ?? (await workerGit.head().catch(() => undefined));
    await send({ ...patch, state, headSha, currentTask: undefined, currentTaskText: undefined }).catch(() => undefined);
    return { ...status };
  }
}
