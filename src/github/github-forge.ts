/**
 * GitHub forge: the Forge port (ports/forge.ts) for the App and the Actions home — a start is a claim, a check run
 * and a dispatch (github/dispatch.ts), landing is merge-back (github/merge-back.ts: a PR or a direct push), a signal is
 * the ledger's word the worker reads in its heartbeat reply, a resolve job is a dispatch in `resolve` mode.
 * Responsibilities: the target's head for the starts (the one this pass fetched, else fetched now); one start's failure
 * kept on its record without losing the others; one landing's failure kept on its record.
 * Not here: the effects themselves (github/dispatch.ts, github/merge-back.ts), what to do (reconcile/decide.ts), the
 * record side of actions (reconcile/apply.ts), the ledger write (github/reconcile-repo.ts).
 * Invariants: repeat-safe as dispatch.ts is (a claimed branch is adopted, not claimed twice); never throws for one
 * milestone's trouble; a resolve job counts against the conflict's resolve attempts before it is dispatched.
 */
import type { Forge } from "../ports/forge.js";
import { startMilestone } from "./dispatch.js";
import type { MergeContext } from "./merge-back.js";
import { landMilestone } from "./merge-back.js";
import type { RepoMirror } from "./repo-mirror.js";

/** `targetHead`: the target's head as this pass fetched it (a landing seen by git), if it did. */
export function createGitHubForge(m: MergeContext, mirror: RepoMirror, targetHead: () => string | undefined): Forge {
  const { client, ledger, plan } = m;
  const target = ledger.run!.target;
  // Through the mirror: the claims push from it, so it must hold the target's head. A head fetched in this pass
  // holds every landing this pass saw: a second fetch would only delay the dispatch.
  const head = async (): Promise<string | undefined> => targetHead() ?? (await mirror.fetch([target]).then((h) => h.get(target), () => undefined));
  const startOne = (id: string, targetSha: string, mode: "run" | "resolve"): Promise<void> =>
    startMilestone({ client, session: m.session, plan, ledger, id, config: m.config, now: m.now, targetSha, mode });
  return {
    async start(ids) {
      const targetSha = await head();
      if (!targetSha) return m.log(`${client.fullName}: target branch ${target} not found; nothing started`);
      // One start that fails (a refused check run, a network error) must not lose what this pass already did.
      const results = await Promise.allSettled(ids.map((id) => startOne(id, targetSha, "run")));
      results.forEach((result, i) => {
        if (result.status === "fulfilled") return;
        ledger.milestones[ids[i]!]!.reason = `starting failed: ${(result.reason as Error).message}`;
        m.log(`${client.fullName}: ${ids[i]}: starting failed: ${(result.reason as Error).message}`);
      });
    },
    async land(id) {
      try {
        await landMilestone(m, id);
      } catch (e) {
        // One milestone's merge trouble does not hold up the rest of the run; the next reconcile tries again.
        const r = ledger.milestones[id]!;
        r.reason = `merging failed: ${(e as Error).message}`;
        m.log(`${client.fullName}: ${id}: ${r.reason}`);
      }
    },
    async signal(ids, signal, reason) {
      for (const id of ids) ledger.milestones[id]!.signal = signal;
      m.log(`${client.fullName}: ${reason}; ${signal === "stop" ? "stopping" : "pausing"} ${ids.join(", ") || "nothing"}`);
    },
    async resolve(id) {
      // The agent merges the target into the branch; when its job finishes, the milestone is merged again.
      const r = ledger.milestones[id]!;
      const targetSha = await head();
      if (!targetSha) return m.log(`${client.fullName}: target branch ${target} not found; no resolve job for ${id}`);
      r.resolveAttempts = (r.resolveAttempts ?? 0) + 1;
      try {
        await startOne(id, targetSha, "resolve");
      } catch (e) {
        r.reason = `${r.reason ?? ""}; starting the resolve job failed: ${(e as Error).message}`;
      }
      if (r.state === "conflict") m.log(`${client.fullName}: the resolve job for ${id} was not dispatched: ${r.reason ?? "unknown"}`);
    },
  };
}
