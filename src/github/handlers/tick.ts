/**
 * The tick: the periodic reconcile of every repository with a session, and finding the repositories to reconcile
 * when this process has none — after a restart no webhook may come for a run in flight (its jobs report to the
 * heartbeat endpoint, but a repository whose jobs all died sends nothing).
 * Responsibilities: `tick` (every session, trigger "tick"); `discover`: with the App's credentials, the
 * installations, their repositories, and which of them hold a weave run (`refs/weave/state`): those get a session
 * and a reconcile.
 * Not here: the timer (github/server.ts); what a reconcile does (github/reconcile-repo.ts).
 * Invariants: discovery spends at most DISCOVERY_CALLS API calls (it stops early and says so) and runs one at a time;
 * after one that found no run, ticks look again only DISCOVERY_INTERVAL_MS later; a failure is reported, never thrown
 * (the next tick looks again).
 */
import { LEDGER_REF } from "../ledger.js";
import { createRepoClient } from "../repo-client.js";
import type { AppRuntime } from "./app-runtime.js";

/** The most API calls one discovery makes (listing pages and ref reads together). */
export const DISCOVERY_CALLS = 100;
/** After a look that found no run, ticks with no session look again this much later. */
export const DISCOVERY_INTERVAL_MS = 10 * 60_000;
const PAGE = 100;

export interface Tick {
  tick(): Promise<void>;
  /** Finds the installations' repositories with a weave run and gives each a session; resolves with their names. */
  discover(): Promise<string[]>;
}

export function createTick(rt: AppRuntime): Tick {
  let running: Promise<string[]> | undefined;
  /** When a look found no run (ticks wait DISCOVERY_INTERVAL_MS after it). */
  let foundNothingAt: number | undefined;

  const find = async (): Promise<string[]> => {
    const probot = rt.probot();
    if (!probot) return [];
    let budget = DISCOVERY_CALLS;
    const spend = (): boolean => budget-- > 0;
    const found: string[] = [];
    const app = await probot.auth();
    const installations: number[] = [];
    for (let page = 1; spend(); page++) {
      const { data } = await app.request("GET /app/installations", { per_page: PAGE, page });
      installations.push(...data.map((i) => i.id));
      if (data.length < PAGE) break;
    }
    for (const id of installations) {
      if (!spend()) break;
      const octokit = await probot.auth(id);
      for (let page = 1; spend(); page++) {
        const { data } = await octokit.request("GET /installation/repositories", { per_page: PAGE, page });
        for (const repo of data.repositories) {
          if (rt.sessions.has(repo.full_name)) continue;
          if (!spend()) break;
          const client = createRepoClient(octokit, { owner: repo.owner.login, repo: repo.name });
          if ((await client.getRef(LEDGER_REF)) === undefined) continue;
          rt.sessionFor(repo.full_name, id);
          found.push(repo.full_name);
        }
        if (data.repositories.length < PAGE) break;
      }
    }
    if (budget < 0) rt.log(`weave: looking for runs stopped after ${DISCOVERY_CALLS} API calls; the rest are found when their webhooks come`);
    if (found.length) rt.log(`weave: found runs in ${found.join(", ")}`);
    else foundNothingAt = rt.now().getTime();
    return found;
  };

  const discover = (): Promise<string[]> => {
    running ??= find()
      .catch((e: unknown) => {
        rt.report("looking for weave runs", e);
        return [];
      })
      .finally(() => (running = undefined));
    return running;
  };

  return {
    discover,
    async tick() {
      if (rt.sessions.size === 0 && (foundNothingAt === undefined || rt.now().getTime() - foundNothingAt >= DISCOVERY_INTERVAL_MS)) await discover();
      await Promise.all([...rt.sessions.values()].map((s) => rt.reconcile(s, "tick")));
    },
  };
}
