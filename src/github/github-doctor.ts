/**
 * `/weave doctor [--fix]` on GitHub: stale runs (the ledger says running, GitHub says the run is gone or done),
 * orphan branches (weave/* of milestones merged or not in the plan), ledger entries for runs GitHub no longer has.
 * Not here: the local doctor (local/doctor.ts).
 * Invariants: --fix only marks records stale (the next reconcile requeues them) and deletes merged branches.
 */
import { updateLedger } from "./comment-commands.js";
import { loadLedger } from "./ledger-store.js";
import { moveRecord } from "./mutate-record.js";
import { loadPlan } from "./plan-source.js";
import { firstParentChain } from "../core/merged-evidence.js";
import { mergedOnTarget } from "./reconcile-repo.js";
import type { RepoClient } from "./repo-client.js";
import { mirrorFor } from "./repo-mirror.js";
import type { RepoSession } from "./repo-session.js";

export async function diagnoseRepo(session: RepoSession, client: RepoClient, fix: boolean): Promise<string> {
  const { ledger } = await loadLedger(client, session.ledgers.guard, await mirrorFor(session, client));
  const plan = await loadPlan(session, client);
  const findings: string[] = [];
  const stale: string[] = [];
  for (const [id, r] of Object.entries(ledger.milestones)) {
    // Not WORKER_HELD_STATES (core/lifecycle.ts): a stale record is already judged; only jobs believed alive are checked.
    if (!["claimed", "running"].includes(r.state) || !r.runId) continue;
    const run = await client.getRun(r.runId);
    if (!run) {
      findings.push(`- **${id}**: the ledger knows run ${r.runId}, which GitHub no longer has`);
      stale.push(id);
    } else if (run.status === "completed") {
      findings.push(`- **${id}**: ${r.state}, but its run ${r.runId} completed (${run.conclusion}) without a final report`);
      stale.push(id);
    }
  }
  const merged = ledger.run ? mergedOnTarget(firstParentChain(await client.recentCommits(ledger.run.target)).map((c) => c.message)) : new Set<string>();
  const orphans: string[] = [];
  for (const m of Object.keys(ledger.milestones)) {
    const inPlan = plan.milestones.some((x) => x.id === m);
    if ((merged.has(m) || !inPlan) && (await client.branchSha(`weave/${m}`))) {
      findings.push(`- \`weave/${m}\`: ${inPlan ? "merged" : "not in the plan"}; the branch is left over`);
      if (merged.has(m)) orphans.push(m);
    }
  }
  if (fix && (stale.length || orphans.length)) {
    await updateLedger(client, session, (l) => {
      for (const id of stale) if (l.milestones[id]) moveRecord(id, l.milestones[id], "stale", "found stale by /weave doctor");
    });
    for (const id of orphans) await client.deleteRef(`heads/weave/${id}`);
  }
  if (findings.length === 0) return "**weave doctor:** healthy — no stale runs, orphan branches or unknown runs.";
  return [`**weave doctor:** ${findings.length} finding${findings.length === 1 ? "" : "s"}${fix ? " (fixed: stale runs requeue on the next reconcile; merged branches deleted)" : ""}`, "", ...findings, ...(fix ? [] : ["", "`/weave doctor --fix` cleans these up."])].join("\n");
}
