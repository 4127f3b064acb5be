// A repository in the stand-in set up as `weave init --coordinator actions` leaves it (the coordinator and worker
// workflows, the bundled Action at ./action), a person with write access, and a watcher reading the ledger. No weave
// App server exists: everything weave does here is done by workflow runs.
import { Octokit } from "@octokit/rest";
import { ledgerGuardFor, readLedger } from "../../src/github/ledger.js";
import type { Ledger } from "../../src/github/ledger.js";
import { createRepoClient } from "../../src/github/repo-client.js";
import type { OctokitLike, RepoClient } from "../../src/github/repo-client.js";
import { renderCoordinatorWorkflow } from "../../src/init/coordinator-workflow.js";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import { AGENT } from "../github/app-fixtures.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import type { RepoHandle } from "../harness/seeding.js";

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };
export const o = { owner: "acme", repo: "widgets" };
export const COORDINATOR = ".github/workflows/weave-coordinator.yml";
export const WORKER = ".github/workflows/weave-worker.yml";

export interface CoordinatorWorld {
  gh: GitHubStandIn;
  repo: RepoHandle;
  alice: Octokit;
  watcher: RepoClient;
  issue: number;
  ledger(): Promise<Ledger>;
  /** Every run's workflow, event, state and log tail, for a failure's message. */
  explain(): Promise<string>;
}

export interface CoordinatorWorldSpec {
  plan: string;
  agent: Record<string, unknown>;
  files?: Record<string, string>;
  /** Repository secrets; a function when they come from the stand-in (an App registered in it). */
  secrets?: Record<string, string> | ((gh: GitHubStandIn) => Record<string, string>);
  allowAutoMerge?: boolean;
  timeScale?: number;
  /** The stand-in's clock (GitHub's: comment and run times), when a test moves it. */
  now?: () => Date;
  /** No `WEAVE_LEDGER_KEY` secret (a user who skipped that step of `weave init`'s): the job's env gets "". */
  withoutLedgerKey?: boolean;
}

/** The repository secret the coordinator keys the ledger's MAC with; the tests read the ledger with it too. */
export const LEDGER_KEY = "coordinator-ledger-key-for-tests";
const guard = ledgerGuardFor({ webhookSecret: "", ledgerSecret: LEDGER_KEY });

export async function createCoordinatorWorld(spec: CoordinatorWorldSpec): Promise<CoordinatorWorld> {
  const gh = await createGitHubStandIn({ timeScale: spec.timeScale ?? 0.05, ...(spec.now ? { now: spec.now } : {}) });
  const secrets = { ...(spec.withoutLedgerKey ? {} : { WEAVE_LEDGER_KEY: LEDGER_KEY }), ...(typeof spec.secrets === "function" ? spec.secrets(gh) : (spec.secrets ?? {})) };
  const repo = await gh.repos.create({
    owner: "acme", name: "widgets", secrets, allowAutoMerge: spec.allowAutoMerge ?? false,
    files: {
      ".github/weave.yml": spec.plan,
      [WORKER]: renderWorkerWorkflow({ actionRef: "./action", coordinator: "actions" }),
      [COORDINATOR]: renderCoordinatorWorkflow({ actionRef: "./action" }),
      "agent.mjs": AGENT,
      "agent.json": JSON.stringify(spec.agent),
      ...spec.files,
    },
  });
  repo.setPermission("alice", "write");
  const alice = new Octokit({ baseUrl: gh.url, auth: gh.users.token("alice"), log: quiet, request: { retries: 0 } });
  const watcher = createRepoClient(alice as unknown as OctokitLike, o);
  const ledger = async (): Promise<Ledger> => (await readLedger(watcher, guard)).ledger;
  const issue = repo.createIssue("Run the plan", "alice");
  const explain = async (): Promise<string> => {
    const runs = [...gh.runner.runs.values()].map((r) => `RUN ${r.workflowPath} ${r.event} ${r.status} ${r.conclusion}\n${r.jobs.map((j) => j.log).join("\n").replace(/::add-mask::\S+/g, "").slice(-1500)}`);
    return `${runs.join("\n")}\nLEDGER ${JSON.stringify((await ledger().catch(() => undefined))?.milestones)}`;
  };
  return { gh, repo, alice, watcher, issue, ledger, explain };
}

/**
 * Waits for every milestone of the ledger (`count` of them) to be merged; explains the runs when it times out, or at
 * once when a coordinator run failed (always a bug here).
 */
export async function allMerged(w: CoordinatorWorld, count: number, timeoutMs = Number(process.env.WEAVE_WAIT_MS ?? 240_000)): Promise<Ledger> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ([...w.gh.runner.runs.values()].some((r) => r.workflowPath === COORDINATOR && r.conclusion === "failure")) throw new Error(`a coordinator run failed\n${await w.explain()}`);
    const l = await w.ledger().catch(() => undefined);
    const states = Object.values(l?.milestones ?? {}).map((r) => r.state);
    if (l && states.length === count && states.every((s) => s === "merged")) return l;
    if (Date.now() > deadline) throw new Error(`timed out waiting for every milestone merged\n${await w.explain()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The REST calls each coordinator run made with GITHUB_TOKEN, from its closing log line. */
export function coordinatorCalls(w: CoordinatorWorld): number[] {
  return [...w.gh.runner.runs.values()].filter((r) => r.workflowPath === COORDINATOR).map((r) => Number(/(\d+) REST calls/.exec(r.jobs.map((j) => j.log).join(""))?.[1] ?? NaN));
}
