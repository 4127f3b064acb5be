/**
 * Fixtures for App tests: the offline stand-in, a registered and installed weave App running its real HTTP server
 * (probot middleware + heartbeat endpoint), a repository with a plan, the worker workflow and a scripted agent,
 * and users who comment.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import type { AppConfig } from "../../src/github/app-config.js";
import { ledgerGuardFor, readLedger } from "../../src/github/ledger.js";
import type { Ledger } from "../../src/github/ledger.js";
import { createRepoClient } from "../../src/github/repo-client.js";
import type { OctokitLike } from "../../src/github/repo-client.js";
import { startWeaveServer } from "../../src/github/server.js";
import type { WeaveServer } from "../../src/github/server.js";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import type { AppHandle, InstallationHandle, RepoHandle } from "../harness/seeding.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import type { QuirkOptions } from "../harness/quirks.js";

/**
 * The agent: for each task writes <milestone>-<n>.txt (and agent.json's `write["<id>:<n>"]` files), sleeps per
 * agent.json, waits for agent.json's `gate["<id>:<n>"]` file to exist when one is named, reports $0.10.
 */
export const AGENT = `import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
const cfg = JSON.parse(readFileSync("agent.json", "utf8"));
const id = process.env.WEAVE_MILESTONE, n = Number(process.env.WEAVE_TASK_INDEX);
if (process.env.WEAVE_RESOLVE === "1") {
  // A resolve job (merge.resolve: agent): settle each conflicted file.
  for (const path of process.env.WEAVE_CONFLICTS.split("\\n").filter(Boolean)) writeFileSync(path, "resolved by the agent\\n");
  appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.05 }) + "\\n");
  process.exit(0);
}
writeFileSync(id + "-" + n + ".txt", process.env.WEAVE_TASK + "\\n");
for (const [path, text] of Object.entries((cfg.write ?? {})[id + ":" + n] ?? {})) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
await new Promise((r) => setTimeout(r, (cfg.sleep && cfg.sleep[id + ":" + n]) ?? cfg.sleepMs ?? 200));
// A gate: the task waits until the test creates that file (an absolute path), so an order is the test's, not the clock's.
const gate = cfg.gate && cfg.gate[id + ":" + n];
for (let waited = 0; gate && !existsSync(gate) && waited < 120000; waited += 20) await new Promise((r) => setTimeout(r, 20));
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: cfg.usd ?? 0.1 }) + "\\n");
`;

export const DIAMOND_PLAN = `version: 1
max_workers: 2
retries: 1
heartbeat_timeout: 20s
merge: { via: pr, auto: manual }
worker:
  command: node agent.mjs
  heartbeat_interval: 200ms
milestones:
  - { id: data, title: Data layer, tasks: [model, repo] }
  - { id: api, title: API routes, depends_on: [data], tasks: [routes, validation] }
  - { id: ui, title: UI components, depends_on: [data], tasks: [list, detail] }
  - { id: integration, title: Integration, depends_on: [api, ui], tasks: [wire] }
`;

export interface AppWorld {
  gh: GitHubStandIn;
  repo: RepoHandle;
  app: AppHandle;
  installation: InstallationHandle;
  server: WeaveServer;
  config: AppConfig;
  /** Errors the App swallowed (logged and carried on): a test ends with none unless it expects some. */
  errors: string[];
  alice: Octokit;
  issue: number;
  ledger(): Promise<Ledger>;
  comment(body: string, who?: Octokit): Promise<number>;
  /** Stops the App, runs `whileDown` (GitHub carries on; webhooks and heartbeats meanwhile are lost), starts it again. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export async function createAppWorld(options: { plan?: string; agent?: Record<string, unknown>; timeScale?: number; files?: Record<string, string>; quirks?: QuirkOptions } = {}): Promise<AppWorld> {
  const gh = await createGitHubStandIn({ timeScale: options.timeScale ?? 0.05, quirks: options.quirks });
  const repo = await gh.repos.create({
    owner: "acme", name: "widgets",
    files: {
      ".github/weave.yml": options.plan ?? DIAMOND_PLAN,
      ".github/workflows/weave-worker.yml": renderWorkerWorkflow({ actionRef: "./action" }),
      "agent.mjs": AGENT,
      "agent.json": JSON.stringify(options.agent ?? { sleepMs: 200 }),
      ...options.files,
    },
  });
  repo.setPermission("alice", "write");
  const app = gh.apps.create({ slug: "weave", webhookSecret: "webhook-secret" });
  const installation = app.install("acme");
  const config: AppConfig = {
    appId: String(app.id), privateKey: app.privateKey, webhookSecret: "webhook-secret", baseUrl: gh.url, publicUrl: "http://127.0.0.1:1",
    oidcIssuer: gh.oidcIssuer, workflowFile: "weave-worker.yml", tickSeconds: 3600, checkRunIntervalSeconds: 1, port: 0,
    cacheDir: await mkdtemp(join(tmpdir(), "weave-app-cache-")),
  };
  const errors: string[] = [];
  const start = async (): Promise<WeaveServer> => {
    const server = await startWeaveServer(config, { logLevel: process.env.WEAVE_TEST_LOG ? "info" : "silent", onError: (where, e) => errors.push(`${where}: ${(e as Error).stack ?? String(e)}`) });
    config.publicUrl = server.url;
    // A restarted App comes back at the same address, as a deployed one would.
    config.port = Number(new URL(server.url).port);
    app.setWebhookUrl(`${server.url}/api/github/webhooks`);
    return server;
  };
  let server = await start();
  const alice = new Octokit({ baseUrl: gh.url, auth: gh.users.token("alice"), log: quiet, request: { retries: 0 } });
  const issue = repo.createIssue("Run the plan", "alice");
  // Tests watch the ledger as alice would, so the App's own API calls can be counted apart.
  const appClient = createRepoClient(new Octokit({ baseUrl: gh.url, auth: gh.users.token("alice"), log: quiet }) as unknown as OctokitLike, { owner: "acme", repo: "widgets" });
  // …and check its MAC with the App's key, as the App does.
  const watchGuard = ledgerGuardFor(config);
  const world: AppWorld = {
    gh, repo, app, installation, config, errors, alice, issue,
    get server() {
      return server;
    },
    ledger: async () => (await readLedger(appClient, watchGuard)).ledger,
    comment: async (body, who = alice) => (await who.issues.createComment({ owner: "acme", repo: "widgets", issue_number: issue, body })).data.id,
    restart: async (whileDown) => {
      await server.close();
      await whileDown?.();
      server = await start();
    },
    close: async () => {
      await server.close();
      await gh.close();
      await rm(config.cacheDir, { recursive: true, force: true });
    },
  };
  return world;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Merges weave/<id> into main as a person would (the merges API), which sends a push. */
export async function mergeAsUser(world: AppWorld, id: string): Promise<void> {
  await world.alice.repos.merge({ owner: "acme", repo: "widgets", base: "main", head: `weave/${id}`, commit_message: `Merge ${id} by hand` });
}
