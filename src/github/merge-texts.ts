/**
 * What merge-back writes for people: a milestone PR's title and body, the merge commit's message (with the
 * `Weave-Milestone` trailer weave finds landed milestones by), the conflict comment and the scope warning.
 * Not here: when they are written (github/merge-back.ts).
 * Invariants: pure; bodies stay under GitHub's 65,536-character limit.
 */
import { mergeTrailers } from "../core/trailers.js";
import type { Milestone, Plan } from "../core/plan/plan.js";
import { titleOf } from "../core/plan/plan.js";
import type { Ledger } from "./ledger.js";

const MAX_BODY = 60_000;

export interface CommitLine {
  sha: string;
  subject: string;
}

export const pullTitle = (m: Milestone): string => `weave: ${m.id} — ${titleOf(m)}`;

export function pullBody(plan: Plan, ledger: Ledger, m: Milestone, commits: readonly CommitLine[], scopeWarnings: readonly string[]): string {
  const r = ledger.milestones[m.id]!;
  const dep = (id: string): string => {
    const d = ledger.milestones[id];
    return `\`${id}\` (${d?.state ?? "pending"}${d?.pr ? `, #${d.pr}` : ""})`;
  };
  const how = plan.merge.auto === "auto" ? "weave merges it once it is mergeable and required checks pass"
    : plan.merge.auto === "confirm" ? `weave merges it after an approving review, \`/weave merge ${m.id}\`, or the check run's Merge button`
    : `weave merges it on \`/weave merge ${m.id}\``;
  const lines = [
    `Milestone **${m.id}** — ${titleOf(m)}, run by weave${ledger.run ? ` (tracking issue #${ledger.run.trackingIssue})` : ""}.`,
    "",
    "### Tasks",
    ...m.tasks.map((t, i) => `${i < r.tasksDone ? "- [x]" : "- [ ]"} ${t.split("\n")[0]}`),
    "",
    `**Cost:** $${r.costUsd.toFixed(4)} · **Depends on:** ${m.depends_on.length ? m.depends_on.map(dep).join(", ") : "nothing"}${r.verify ? ` · **Verify:** ${r.verify.state}` : ""}`,
    "",
    `### Commits (${commits.length})`,
    ...commits.slice(0, 200).map((c) => `- ${c.sha} ${c.subject}`),
    ...(commits.length > 200 ? [`- … and ${commits.length - 200} more`] : []),
    ...(scopeWarnings.length ? ["", scopeText(plan, m, scopeWarnings)] : []),
    "",
    `<sub>Merge: ${how}. The merge commit carries \`Weave-Milestone: ${m.id}\`.</sub>`,
  ];
  return lines.join("\n").slice(0, MAX_BODY);
}

export function scopeText(plan: Plan, m: Milestone, files: readonly string[]): string {
  const verdict = plan.merge.scope === "strict" ? `\`merge.scope: strict\` blocks the merge: add them to \`files\` in the plan, or say \`/weave merge ${m.id} --force\`.` : "A warning only (`merge.scope: warn`).";
  return [
    `> [!WARNING]`,
    `> **${m.id}** changed ${files.length} file${files.length === 1 ? "" : "s"} outside its declared \`files\` (${m.files.map((f) => `\`${f}\``).join(", ")}):`,
    ...files.slice(0, 50).map((f) => `> - \`${f}\``),
    ...(files.length > 50 ? [`> - … and ${files.length - 50} more`] : []),
    `> ${verdict}`,
  ].join("\n");
}

export function mergeCommitMessage(m: Milestone, costUsd: number, pr?: number): { title: string; message: string } {
  return {
    title: `weave: merge ${m.id} — ${titleOf(m)}${pr ? ` (#${pr})` : ""}`,
    message: [
      ...m.tasks.map((t, i) => `${i + 1}. ${t.split("\n")[0]}`),
      "",
      mergeTrailers(m.id, costUsd),
    ].join("\n"),
  };
}

export interface ConflictSide {
  branch: string;
  sha: string;
  /** Per conflicting file: the commits on this side since the merge base that touched it. */
  commits: Map<string, CommitLine[]>;
}

export function conflictComment(plan: Plan, m: Milestone, files: readonly string[], ours: ConflictSide, theirs: ConflictSide): string {
  const side = (s: ConflictSide, file: string): string => {
    const list = s.commits.get(file) ?? [];
    return list.length ? list.slice(-3).map((c) => `${c.sha} ${c.subject}`).join("; ") : "no commits since the merge base";
  };
  const agent = plan.merge.resolve === "agent";
  return [
    `### ⚠️ ${m.id} conflicts with \`${ours.branch}\``,
    "",
    `Merging \`${theirs.branch}\` (${theirs.sha.slice(0, 7)}) into \`${ours.branch}\` (${ours.sha.slice(0, 7)}) conflicts in ${files.length} file${files.length === 1 ? "" : "s"}, as \`git merge-tree\` reports:`,
    "",
    "| file | on " + `\`${ours.branch}\`` + " | on " + `\`${theirs.branch}\`` + " |",
    "|---|---|---|",
    ...files.slice(0, 100).map((f) => `| \`${f}\` | ${side(ours, f)} | ${side(theirs, f)} |`),
    ...(files.length > 100 ? [`| … and ${files.length - 100} more | | |`] : []),
    "",
    agent ? "`merge.resolve: agent`: weave dispatches a job that merges the target into the milestone branch with the agent, then retries. If that fails, resolve by hand:" : "To resolve:",
    "",
    "```sh",
    `git fetch origin && git switch ${theirs.branch}`,
    `git merge origin/${ours.branch}   # fix the files above, then commit`,
    `git push origin ${theirs.branch}`,
    "```",
    "",
    `Then say \`/weave merge ${m.id}\` (or press Merge on its check run). ${m.id} is not run again because of this conflict.`,
  ].join("\n").slice(0, MAX_BODY);
}
