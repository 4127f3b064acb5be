/**
 * `weave doctor [--fix]` and `weave cleanup [--older-than 7d] [--dry-run]`: find (and clean) what runs leave behind.
 * Not here: the checks (local/doctor.ts).
 * Invariants: doctor exits 0 when healthy, 1 when findings remain; cleanup never deletes an unmerged branch.
 */
import { WeaveError } from "../../core/errors.js";
import { parseDuration } from "../../core/plan/duration.js";
import { diagnose, findCleanup } from "../../local/doctor.js";
import type { Finding } from "../../local/doctor.js";
import { createRepoGit } from "../../local/repo-git.js";
import { loadRunState } from "../../local/state-store.js";
import { weavePaths } from "../../local/weave-paths.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions, write } from "../cli-io.js";
import { readPlan } from "../plan-arg.js";
import { findRepoRoot } from "../repo-root.js";

function line(f: Finding, fixed: boolean): string {
  return `  ${fixed ? "✓" : f.fix ? "!" : "·"} ${f.subject}: ${f.detail}${f.fix ? (fixed ? ` — fixed (${f.fix})` : ` — --fix will ${f.fix}`) : ""}`;
}

export async function runDoctor(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { fix: { type: "boolean" } }, "weave doctor [PATH] [--fix]");
  const repo = await findRepoRoot(io.cwd);
  const plan = await readPlan(io, positionals[0]);
  const git = createRepoGit(repo);
  const target = plan.target ?? (await git.currentBranch()) ?? "main";
  const { findings, coordinatorAlive } = await diagnose(plan, git, weavePaths(repo), target);
  if (findings.length === 0) {
    write(io.stdout, `✓ healthy: no stale locks, dead workers, expired heartbeats or orphan worktrees and branches${coordinatorAlive ? " (a coordinator is running)" : ""}.`);
    return 0;
  }
  const fixing = values.fix === true;
  write(io.stdout, `${findings.length} finding${findings.length === 1 ? "" : "s"}${coordinatorAlive ? " (a coordinator is running: it owns the run, so only its leftovers are fixed)" : ""}:`);
  let remaining = 0;
  for (const f of findings) {
    let fixed = false;
    if (fixing && f.apply) {
      await f.apply();
      fixed = true;
    }
    if (!fixed) remaining++;
    write(io.stdout, line(f, fixed));
  }
  if (!fixing && findings.some((f) => f.fix)) write(io.stdout, "Run `weave doctor --fix` to clean up.");
  return remaining === 0 ? 0 : 1;
}

export async function runCleanup(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { "older-than": { type: "string", default: "7d" }, "dry-run": { type: "boolean" } }, "weave cleanup [--older-than 7d] [--dry-run]");
  const age = parseDuration(values["older-than"] ?? "7d");
  if (age === undefined) throw new WeaveError("usage", `--older-than must be a duration like 7d or 12h, not "${values["older-than"]}"`);
  const repo = await findRepoRoot(io.cwd);
  const paths = weavePaths(repo);
  const found = await findCleanup(await loadRunState(paths.state), paths, createRepoGit(repo), age * 1000);
  if (found.length === 0) {
    write(io.stdout, "Nothing to clean up.");
    return 0;
  }
  for (const f of found) {
    if (!values["dry-run"]) await f.apply?.();
    write(io.stdout, line(f, !values["dry-run"]));
  }
  if (values["dry-run"]) write(io.stdout, `Dry run: ${found.length} item${found.length === 1 ? "" : "s"} would be removed.`);
  return 0;
}
