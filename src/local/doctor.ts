/**
 * Local doctor: finds what a crashed or interrupted run leaves behind, and (with --fix) cleans it up.
 * Responsibilities: stale coordinator locks, an unreadable run state, dead workers, expired heartbeats, orphan run
 * files, worktrees and branches; `cleanup` for old worktrees and logs. Every finding says what it is and what --fix does.
 * Not here: running milestones (local/coordinator.ts); what a readable run state is (core/contracts/run-state.ts).
 * Invariants: --fix never deletes a branch whose commits are not on the target, nor the run state (an unreadable
 * one is moved aside, and only when it is not a newer weave's); nothing is touched while a live coordinator holds
 * the lock (it owns the run); an unreadable run state never stops the other checks.
 */
import { existsSync } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import { isWeaveError } from "../core/errors.js";
import type { Plan } from "../core/plan/plan.js";
import { readWorkerStatus } from "./file-reporter.js";
import { isProcessAlive, readLockHolder } from "./locks.js";
import type { RepoGit } from "./repo-git.js";
import type { RunState } from "./state-store.js";
import { loadRunState, updateRunState } from "./state-store.js";
import type { WeavePaths } from "./weave-paths.js";

export interface Finding {
  kind: "stale-lock" | "unreadable-state" | "dead-worker" | "expired-heartbeat" | "orphan-file" | "orphan-worktree" | "orphan-branch" | "unmerged-branch";
  subject: string;
  detail: string;
  /** What --fix does; undefined when it is left for a person. */
  fix?: string;
  apply?: () => Promise<void>;
}

export async function diagnose(plan: Plan, git: RepoGit, paths: WeavePaths, target: string, now = Date.now()): Promise<{ findings: Finding[]; coordinatorAlive: boolean }> {
  const findings: Finding[] = [];
  const holder = await readLockHolder(paths.coordinatorLock);
  const coordinatorAlive = holder !== undefined && isProcessAlive(holder.pid);
  if (holder && !coordinatorAlive) {
    findings.push({ kind: "stale-lock", subject: ".weave/coordinator.lock", detail: `held by PID ${holder.pid}, which is not running`, fix: "remove the lock", apply: () => rm(paths.coordinatorLock, { force: true }) });
  }
  const { state, finding } = await readState(paths, coordinatorAlive, now);
  if (finding) findings.push(finding);
  const inPlan = new Set(plan.milestones.map((m) => m.id));
  const merged = await git.mergedMilestones(target);

  for (const [id, record] of Object.entries(state?.milestones ?? {})) {
    // A stale record is already known to be dead: the next `weave start` requeues it.
    if (record.state !== "claimed" && record.state !== "running") continue;
    const status = await readWorkerStatus(paths, id);
    if (!isProcessAlive(record.pid)) {
      if (!coordinatorAlive) findings.push({ kind: "dead-worker", subject: id, detail: `${record.state}, but its worker (PID ${record.pid ?? "?"}) is gone`, fix: "mark it stale: the next `weave start` resumes it from its last checkpoint", apply: () => markStale(paths, id, "worker process gone (doctor)") });
    } else if (status && now - Date.parse(status.updatedAt) > plan.heartbeat_timeout * 1000) {
      findings.push({ kind: "expired-heartbeat", subject: id, detail: `last heartbeat ${Math.round((now - Date.parse(status.updatedAt)) / 1000)} s ago (timeout ${plan.heartbeat_timeout} s)`, fix: "stop its worker and mark it stale", apply: async () => {
        killTree(record.pid);
        await markStale(paths, id, "heartbeat expired (doctor)");
      } });
    }
  }

  const runFiles = new Map<string, string[]>();
  // Without a readable state no run file can be judged an orphan: a live worker's files would look like one.
  for (const name of finding ? [] : await readdir(paths.runDir).catch(() => [] as string[])) {
    const id = name.replace(/\.(status\.json|signal\.json|job\.json|cost\.jsonl|claim)$/, "");
    if (id !== name) runFiles.set(id, [...(runFiles.get(id) ?? []), name]);
  }
  for (const [id, names] of runFiles) {
    const record = state?.milestones[id];
    if (record && WORKER_HELD_STATES.has(record.state) && isProcessAlive(record.pid)) continue;
    const stray = !record || ["merged", "skipped"].includes(record.state) ? names : names.filter((n) => n.endsWith(".claim"));
    if (stray.length === 0) continue;
    findings.push({
      kind: "orphan-file", subject: `.weave/run/${id}.*`, detail: `${stray.join(", ")} left for ${id}, which is ${record ? record.state : "not in the current run"}`,
      fix: "remove them", apply: async () => void (await Promise.all(stray.map((n) => rm(join(paths.runDir, n), { force: true })))),
    });
  }

  for (const wt of await git.listWorktrees()) {
    if (!wt.path.startsWith(`${paths.worktrees}/`)) continue;
    const id = wt.path.slice(paths.worktrees.length + 1);
    const missing = !existsSync(wt.path);
    const done = merged.has(id) || !inPlan.has(id);
    const live = state?.milestones[id] && WORKER_HELD_STATES.has(state.milestones[id]!.state) && isProcessAlive(state.milestones[id]!.pid);
    if ((missing || done) && !live) {
      findings.push({ kind: "orphan-worktree", subject: `.weave/worktrees/${id}`, detail: missing ? "registered but its directory is gone" : merged.has(id) ? `${id} is merged` : `${id} is not in the plan`, fix: "remove the worktree", apply: () => git.removeWorktree(wt.path) });
    }
  }

  for (const branch of await git.listBranches("weave/")) {
    const id = branch.slice("weave/".length);
    if (inPlan.has(id) && !merged.has(id)) continue;
    const onTarget = (await git.raw(["branch", `--merged=refs/heads/${target}`, "--list", branch]).catch(() => "")).trim() !== "";
    if (onTarget || merged.has(id)) findings.push({ kind: "orphan-branch", subject: branch, detail: `${id} is merged into ${target}`, fix: "delete the branch", apply: async () => {
      await git.removeWorktree(paths.worktree(id));
      await git.deleteBranch(branch);
    } });
    else findings.push({ kind: "unmerged-branch", subject: branch, detail: `${id} is not in the plan and has commits not on ${target}; left for you (git branch -D ${branch})` });
  }
  return { findings, coordinatorAlive };
}

/**
 * The run state, or (when it cannot be read: torn, not a run state, a newer weave's, a disk error) a finding that says
 * why, with the contract error's code and hint, and the other checks go on without it. --fix moves an unreadable
 * state aside (never deletes it); a newer weave's is left alone: upgrading weave reads it.
 */
async function readState(paths: WeavePaths, coordinatorAlive: boolean, now: number): Promise<{ state?: RunState; finding?: Finding }> {
  try {
    return { state: await loadRunState(paths.state) };
  } catch (e) {
    if (!isWeaveError(e)) throw e;
    const aside = `${paths.state}.unreadable-${new Date(now).toISOString().replace(/[:.]/g, "-")}`;
    const movable = e.code === "contract-invalid" && !coordinatorAlive;
    const finding: Finding = {
      kind: "unreadable-state",
      subject: ".weave/state.json",
      detail: `${e.message} [${e.code}]; ${e.hint ?? "move it away to start afresh"}${movable ? "" : " — left for you"}; run files under .weave/run are not judged until it is readable`,
    };
    if (movable) {
      finding.fix = `move it aside to .weave/${basename(aside)} (the next \`weave start\` begins a new run state; git still knows what merged)`;
      finding.apply = () => rename(paths.state, aside);
    }
    return { finding };
  }
}

async function markStale(paths: WeavePaths, id: string, reason: string): Promise<void> {
  await updateRunState(paths.state, new Date(), (state) => {
    const record = state.milestones[id];
    if (!record || !WORKER_HELD_STATES.has(record.state)) return false;
    record.state = "stale";
    record.reason = reason;
    state.events.push({ at: new Date().toISOString(), kind: "stale", id, detail: reason });
  });
}

function killTree(pid: number | undefined): void {
  if (!pid) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** Worktrees of settled milestones idle longer than `olderThanMs`, and logs as old. */
export async function findCleanup(state: RunState | undefined, paths: WeavePaths, git: RepoGit, olderThanMs: number, now = Date.now()): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const [id, record] of Object.entries(state?.milestones ?? {})) {
    if (!["merged", "failed", "skipped", "stopped", "conflict"].includes(record.state) || !existsSync(paths.worktree(id))) continue;
    const last = Date.parse([...(state?.events ?? [])].reverse().find((e) => e.id === id)?.at ?? "");
    if (record.state !== "merged" && Number.isFinite(last) && now - last < olderThanMs) continue;
    out.push({ kind: "orphan-worktree", subject: `.weave/worktrees/${id}`, detail: `${id} is ${record.state}${record.state === "merged" ? "" : "; its branch is kept"}`, fix: "remove the worktree", apply: () => git.removeWorktree(paths.worktree(id)) });
  }
  for (const name of await readdir(paths.logs).catch(() => [] as string[])) {
    const file = join(paths.logs, name);
    const age = now - (await stat(file)).mtimeMs;
    if (age > olderThanMs) out.push({ kind: "orphan-file", subject: `.weave/logs/${name}`, detail: `last written ${Math.round(age / 86_400_000)} days ago`, fix: "remove it", apply: () => rm(file, { force: true }) });
  }
  return out;
}
