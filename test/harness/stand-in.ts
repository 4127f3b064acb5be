/**
 * The offline GitHub stand-in: `createGitHubStandIn()` wires world, git, REST, webhooks, Actions and OIDC
 * into one HTTP server on 127.0.0.1 and returns the handle tests drive.
 * Responsibilities: composition, the seeding API (users, repos, apps, installations, CI check runs) and fault knobs, and a
 * close() that cleans every temp dir and process and fails when GitHub-contract violations were left unread.
 * Not here: behaviour (each concern has its own file). Invariant: one stand-in per test; nothing is global.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ActionsRunner } from "./actions-runner.js";
import type { RunRecord } from "./actions-shapes.js";
import { ACTIONS_APP_ID } from "./auth.js";
import { BranchRules } from "./branch-rules.js";
import { createCiReporter } from "./ci-reporter.js";
import type { CiReporter } from "./ci-reporter.js";
import { createGitHttp } from "./git-http.js";
import { createGraphqlDoor } from "./graphql.js";
import { readActionEntry } from "./job-process.js";
import type { ActionEntry } from "./job-process.js";
import { MergeAutomation } from "./merge-automation.js";
import { OidcIssuer } from "./oidc.js";
import { OpenApiValidator } from "./openapi-validator.js";
import { Quirks } from "./quirks.js";
import type { QuirkOptions } from "./quirks.js";
import { RateLimiter } from "./rate-limit.js";
import type { RateBudgets } from "./rate-limit.js";
import { createRulesDoor } from "./push-rules.js";
import type { PushCredentials } from "./push-rules.js";
import { RepoEvents } from "./repo-events.js";
import type { RouteTable, Services } from "./route-types.js";
import { actionRoutes } from "./routes/actions.js";
import { appRoutes } from "./routes/apps.js";
import { installationRoutes } from "./routes/installation-repos.js";
import { checkRoutes, jobCheckRuns, requestCheckAction, rerequestCheckRun } from "./routes/checks.js";
import { STARTING_EVENTS } from "./event-runs.js";
import { contentRoutes } from "./routes/contents.js";
import { gitRoutes } from "./routes/git.js";
import { issueRoutes } from "./routes/issues.js";
import { pullRoutes, reviewShape } from "./routes/pulls.js";
import { protectionRoutes } from "./routes/protection.js";
import { ruleRoutes } from "./routes/rules.js";
import { tokenRevocationRoutes } from "./routes/token-revocation.js";
import { ApiServer } from "./server.js";
import type { CallRecord, Violation } from "./server.js";
import { createSeeding } from "./seeding.js";
import type { Seeding } from "./seeding.js";
import { Shapes } from "./shapes.js";
import { WebhookPayloads } from "./webhook-payloads.js";
import { WebhookBus } from "./webhooks.js";
import type { Delivery } from "./webhooks.js";
import { covers, World } from "./world.js";
import type { AccessLevel, AppRecord } from "./world.js";

export interface StandInOptions {
  /** The action the runner executes: a directory with action.yml (default: <repo>/action), or explicit node entries. */
  action?: { dir: string } | { main: string; post?: string; inputDefaults?: Record<string, string> };
  /** Multiplies the runner's cancel delays (7.5 s SIGTERM, 10 s SIGKILL); tests use e.g. 0.01. */
  timeScale?: number;
  rateLimits?: Partial<RateBudgets>;
  /** GITHUB_TOKEN permissions when a workflow declares none (GitHub's permissive default). */
  tokenPermissions?: Record<string, AccessLevel>;
  now?: () => Date;
  /** GitHub's eventual consistency, switched on per test: run-list lag, GHES's 204 dispatch answer, refs reading 404 just after creation. */
  quirks?: QuirkOptions;
}

export interface GitHubStandIn extends Seeding {
  url: string; apiUrl: string; serverUrl: string; oidcIssuer: string;
  violations: readonly Violation[];
  /** Returns and forgets the violations so far (tests that provoke them on purpose call this). */
  takeViolations(): Violation[];
  calls: readonly CallRecord[];
  /** Calls per operationId (e.g. "pulls/merge"), optionally only for one credential ("installation:<id>", "actions:<owner/repo>", "user:<login>"). */
  callCounts(credential?: string): Record<string, number>;
  webhooks: WebhookBus;
  /** Every webhook delivery so far (same as webhooks.deliveries). */
  deliveries: readonly Delivery[];
  rateLimits: RateLimiter;
  runner: ActionsRunner;
  oidc: OidcIssuer;
  checks: { requestAction(fullName: string, checkRunId: number, identifier: string, login: string): void; rerequest(fullName: string, checkRunId: number, login: string): void };
  /** A second App ("ci") reporting check runs through the REST routes: `await gh.ci.report("acme/widgets", sha, "ci", "success")`. */
  ci: CiReporter;
  actions: {
    run(id: number): RunRecord; loseRunner(id: number): void;
    /**
     * An Actions incident on this repository: while on, its events are delivered as webhooks but start no workflow
     * run (GitHub's status page calls it "workflows not triggered"); runs already started go on. `schedule` still fires.
     */
    outage(fullName: string, on: boolean): void;
    /** The cron of `on: schedule` fires now (default branch's workflows; GitHub's timing is not modelled). */
    schedule(fullName: string): Promise<void>;
    /** A test's gate: runs of that workflow (e.g. ".github/workflows/ci.yml") that start stay in progress, before their first step, until released. */
    hold(workflowPath: string): { release(): void };
  };
  /** Waits until no webhook is in flight, no run is active and no merge (auto-merge, merge queue) is pending. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
let sharedValidator: OpenApiValidator | undefined;

export async function createGitHubStandIn(options: StandInOptions = {}): Promise<GitHubStandIn> {
  const now = options.now ?? (() => new Date());
  const root = await mkdtemp(join(tmpdir(), "weave-github-"));
  const validator = (sharedValidator ??= new OpenApiValidator());
  const world = new World("http://127.0.0.1:0", now);
  const shapes = new Shapes(validator, world);
  const early: Violation[] = [];
  const holder: { server?: ApiServer } = {};
  const report = (kind: Violation["kind"]) => (message: string): void => { (holder.server?.violations ?? early).push({ kind, method: "", path: "", message }); };
  const payloads = new WebhookPayloads(shapes, report("invalid-webhook"));
  const webhooks = new WebhookBus(world, payloads);
  const events = new RepoEvents(world, shapes, payloads, webhooks);
  const oidc = new OidcIssuer("", now);
  const github = world.user("github", "Organization");
  const actionsApp: AppRecord = {
    id: ACTIONS_APP_ID, slug: "github-actions", name: "GitHub Actions", clientId: "Iv1.actions", owner: github, bot: world.user("github-actions[bot]", "Bot"),
    privateKey: "", publicKey: undefined as never, webhookUrl: undefined, webhookSecret: undefined, permissions: {}, events: [], createdAt: new Date(0),
  };
  const action = options.action ?? { dir: join(repoRoot, "action") };
  let entry: ActionEntry | undefined;
  const loadEntry = async (): Promise<ActionEntry> => {
    try {
      return (entry ??= "dir" in action ? await readActionEntry(action.dir)
        : { main: action.main, ...(action.post === undefined ? {} : { post: action.post }), inputDefaults: action.inputDefaults ?? {} });
    } catch (error) {
      report("runner")(`cannot load the action to run (${"dir" in action ? action.dir : action.main}): ${String(error)}`);
      throw error;
    }
  };
  const defaultPermissions: Record<string, AccessLevel> = { actions: "write", checks: "write", contents: "write", deployments: "write", issues: "write", packages: "write", pages: "write", pull_requests: "write", statuses: "write", metadata: "read" };
  const holderServices: { services?: Services } = {};
  const jobChecks = (): ReturnType<typeof jobCheckRuns> => jobCheckRuns(holderServices.services as Services);
  const runner = new ActionsRunner({ world, shapes, payloads, webhooks, oidc, report: report("runner"), checks: jobChecks }, { entry: loadEntry, timeScale: options.timeScale ?? 1, tokenPermissions: options.tokenPermissions ?? defaultPermissions });
  const limiter = new RateLimiter(now, options.rateLimits);
  const rules = new BranchRules(validator, world);
  const services = { world, shapes, events, webhooks, payloads, runner, actionsApp, rules, quirks: new Quirks(options.quirks ?? {}, now) } as Services;
  holderServices.services = services;
  const outages = new Set<string>();
  webhooks.observe(STARTING_EVENTS, (repo, event, action, payload) => (outages.has(repo.fullName) ? undefined : runner.onEvent(repo, event, action, payload))); // workflows started by events // automation needs services: set next
  services.automation = new MergeAutomation(services, report("stand-in-error"), async (repo, pull, review, sender) => {
    const payload = payloads.base("pull_request_review", "dismissed", repo, sender, { review: { ...reviewShape(services, repo, pull, review), state: "dismissed" }, pull_request: await shapes.pull(repo, pull) });
    webhooks.emit("pull_request_review", "dismissed", () => payload, { repo });
  });
  events.onHeadMoved = (repo, pull, pusher) => services.automation.headMoved(repo, pull, pusher);
  const pushes: PushCredentials = new Map();
  const routes: RouteTable = { ...gitRoutes, ...contentRoutes, ...pullRoutes, ...issueRoutes, ...checkRoutes, ...appRoutes, ...installationRoutes, ...actionRoutes, ...ruleRoutes, ...protectionRoutes, ...tokenRevocationRoutes };
  const server: ApiServer = new ApiServer({
    validator, routes, services, limiter,
    sideDoors: {
      "/_git/": createGitHttp(world, join(root, "repos"), events, pushes),
      "/_rules/": createRulesDoor(world, rules, pushes),
      "/graphql": createGraphqlDoor(services, (): ApiServer => server),
      "/_oidc/": (req, res) => oidc.serveIssuer(req, res),
      "/_runner/id-token": (req, res) => oidc.serveRequest(req, res),
    },
  });
  holder.server = server;
  server.violations.push(...early);
  const url = await server.listen();
  Object.assign(world, { baseUrl: url });
  Object.assign(oidc, { issuer: `${url}/_oidc` });
  await oidc.init();
  const api = server;
  const seeding = createSeeding(world, events, rules, join(root, "repos"), (installation) => {
    const covered = [...world.repos.values()].filter((r) => covers(installation, r));
    const payload = { ...payloads.example("installation", "created"), sender: shapes.user(installation.account), requester: null,
      repositories: covered.map((r) => ({ id: r.id, node_id: shapes.repository(r).node_id, name: r.name, full_name: r.fullName, private: r.private })) };
    webhooks.emit("installation", "created", () => payload, { installation });
  });

  return {
    ...seeding, ci: createCiReporter(seeding, () => url), url, apiUrl: url, serverUrl: shapes.server, oidcIssuer: oidc.issuer, webhooks, rateLimits: limiter, runner, oidc,
    get violations() { return api.violations; },
    get deliveries() { return webhooks.deliveries; },
    takeViolations: () => api.violations.splice(0),
    get calls() { return api.calls; },
    callCounts: (credential) => {
      const counts: Record<string, number> = {};
      for (const call of api.calls) if (credential === undefined || call.credential === credential) counts[call.operationId] = (counts[call.operationId] ?? 0) + 1;
      return counts;
    },
    checks: {
      requestAction: (fullName, id, identifier, login) => requestCheckAction(services, world.repo(...split(fullName)), id, identifier, world.user(login)),
      rerequest: (fullName, id, login) => rerequestCheckRun(services, world.repo(...split(fullName)), id, world.user(login)),
    },
    actions: {
      run: (id) => { const run = runner.runs.get(id); if (run === undefined) throw new Error(`no run ${id}`); return run; },
      loseRunner: (id) => { const run = runner.runs.get(id); if (run === undefined) throw new Error(`no run ${id}`); runner.cancel(run, "lost"); },
      outage: (fullName, on) => void (on ? outages.add(fullName) : outages.delete(fullName)),
      hold: (workflowPath) => runner.hold(workflowPath),
      schedule: async (fullName) => {
        const repo = world.repo(...split(fullName));
        runner.onEvent(repo, "schedule", undefined, { sender: shapes.user(repo.owner) });
        await runner.settled();
      },
    },
    settled: async () => {
      // Each of these can start work for another (a merge starts workflows, a workflow's check run lets a merge go): until all are still.
      do { await runner.settled(); await api.drain(); await services.automation.settled(); await webhooks.settled(); } while (!runner.idle() || !services.automation.idle());
    },
    close: async () => {
      await runner.close();
      await api.drain();
      await services.automation.settled();
      await webhooks.settled();
      await api.close();
      await rm(root, { recursive: true, force: true });
      if (api.violations.length > 0) {
        throw new Error(`the GitHub stand-in saw ${api.violations.length} violation(s) of GitHub's contract:\n${api.violations.map((v) => `- [${v.kind}] ${v.method} ${v.path} ${v.operationId ?? ""}: ${v.message}`).join("\n")}`);
      }
    },
  };
}

function split(fullName: string): [string, string] {
  const [owner = "", name = ""] = fullName.split("/");
  return [owner, name];
}
