/**
 * Seeding: how a test puts the world in place — users and their tokens, repositories (real bare git repos with
 * files, branches, collaborators, secrets, branch rules, "Allow auto-merge"), Apps with real RSA keys and webhook
 * endpoints, and installations.
 * Not here: requests (server.ts); anything a real client can do through the API is done through the API in tests.
 * Invariants: seeded commits move refs with compare-and-swap and emit `push` like a real push (unless `silent`);
 * seeding is not subject to branch rules (like an admin bypass).
 */
import { generateKeyPairSync, createPrivateKey, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { SignJWT } from "jose";
import { mintInstallationToken, mintToken } from "./auth.js";
import { GitBackend, ZERO_SHA } from "./git-backend.js";
import type { BranchRules } from "./branch-rules.js";
import { installPushHook } from "./push-rules.js";
import type { RepoEvents } from "./repo-events.js";
import type { AccessLevel, AppRecord, BranchRuleRecord, InstallationRecord, Permission, RepoRecord, UserRecord, World } from "./world.js";
import { noreplyEmail } from "./world.js";

export interface RepoSpec {
  owner: string; name: string; defaultBranch?: string; files?: Record<string, string>; private?: boolean; ownerType?: "User" | "Organization";
  collaborators?: Record<string, Permission>; secrets?: Record<string, string>; vars?: Record<string, string>;
  /** The repository setting "Allow auto-merge" (`allow_auto_merge`; GitHub's default is off). */
  allowAutoMerge?: boolean;
}
export interface CommitSpec { branch: string; files: Record<string, string | null>; message?: string; author?: string; silent?: boolean }
export interface RepoHandle {
  record: RepoRecord; fullName: string; cloneUrl: string; git: GitBackend;
  commit(spec: CommitSpec): Promise<string>;
  createBranch(name: string, from?: string): Promise<string>;
  head(branch: string): Promise<string | undefined>;
  readFile(ref: string, path: string): Promise<string | undefined>;
  setPermission(login: string, permission: Permission): void;
  createIssue(title: string, login?: string): number;
  /** Replaces the ruleset targeting `branch` (a name, an fnmatch pattern, "~DEFAULT_BRANCH" or "~ALL") with these
   * repository rules (GitHub's shapes, checked against its schema; unmodelled rules or parameters throw). */
  setBranchRules(branch: string, rules: BranchRuleRecord[]): Promise<void>;
  setAllowAutoMerge(allow: boolean): void;
}
export interface AppSpec { slug?: string; name?: string; owner?: string; webhookUrl?: string; webhookSecret?: string; permissions?: Record<string, AccessLevel>; events?: string[] | "all" }
export interface InstallationHandle { id: number; record: InstallationRecord; token(permissions?: Record<string, AccessLevel>): string }
export interface AppHandle {
  record: AppRecord; id: number; slug: string; clientId: string; privateKey: string; webhookSecret: string | undefined;
  /** A signed App JWT; override claims to test GitHub's rejections. */
  jwt(claims?: { iat?: number; exp?: number; iss?: string }): Promise<string>;
  install(owner: string, options?: { repositories?: string[] }): InstallationHandle;
  setWebhookUrl(url: string | undefined): void;
}
export interface Seeding {
  users: { create(login: string, type?: UserRecord["type"]): UserRecord; token(login: string): string };
  repos: { create(spec: RepoSpec): Promise<RepoHandle>; get(fullName: string): RepoHandle };
  apps: { create(spec?: AppSpec): AppHandle };
}

/** RSA keys are slow to make on small machines; the n-th App of every stand-in reuses the n-th key of this process. */
const keyPool: { privateKey: KeyObject; publicKey: KeyObject }[] = [];
function appKey(index: number): { privateKey: KeyObject; publicKey: KeyObject } {
  while (keyPool.length <= index) keyPool.push(generateKeyPairSync("rsa", { modulusLength: 2048 }));
  return keyPool[index] as { privateKey: KeyObject; publicKey: KeyObject };
}

/** Fires GitHub's `installation.created` when a test installs an App. */
export type OnInstalled = (installation: InstallationRecord) => void;

export function createSeeding(world: World, events: RepoEvents, rules: BranchRules, reposDir: string, onInstalled: OnInstalled): Seeding {
  const handles = new Map<string, RepoHandle>();

  const handle = (repo: RepoRecord): RepoHandle => ({
    record: repo, fullName: repo.fullName, cloneUrl: `${world.baseUrl}/_git/${repo.fullName}.git`, git: repo.git,
    async commit(spec) {
      const ref = `refs/heads/${spec.branch}`;
      const current = await repo.git.readRef(ref);
      const author = world.user(spec.author ?? repo.owner.login);
      const identity = { name: author.login, email: noreplyEmail(author), date: world.now() };
      const sha = await repo.git.commitFiles(ref, current, spec.files, spec.message ?? `Update ${Object.keys(spec.files).join(", ")}`, identity);
      if (spec.silent !== true) await events.refsChanged(repo, [{ ref, before: current ?? ZERO_SHA, after: sha }], author);
      return sha;
    },
    async createBranch(name, from = repo.defaultBranch) {
      const sha = await repo.git.resolveCommit(from);
      if (sha === undefined || !(await repo.git.casRef(`refs/heads/${name}`, sha, ZERO_SHA))) throw new Error(`cannot create branch ${name} from ${from}`);
      await events.refsChanged(repo, [{ ref: `refs/heads/${name}`, before: ZERO_SHA, after: sha }], repo.owner);
      return sha;
    },
    head: (branch) => repo.git.readRef(`refs/heads/${branch}`),
    async readFile(ref, path) {
      const result = await repo.git.run(["cat-file", "blob", `${ref}:${path}`]);
      return result.code === 0 ? result.stdout : undefined;
    },
    setPermission(login, permission) { world.user(login); repo.collaborators.set(login.toLowerCase(), permission); },
    createIssue(title, login = repo.owner.login) {
      const number = repo.nextNumber++;
      repo.issues.set(number, { number, title, user: world.user(login), state: "open", createdAt: world.now() });
      return number;
    },
    async setBranchRules(branch, list) {
      rules.set(repo, branch, list);
      await installPushHook(repo);
    },
    setAllowAutoMerge(allow) { repo.allowAutoMerge = allow; },
  });

  return {
    users: {
      create: (login, type = "User") => world.user(login, type),
      token: (login) => mintToken(world, { kind: "user", user: world.user(login), permissions: {} }, "ghp_").token,
    },
    repos: {
      async create(spec) {
        const owner = world.user(spec.owner, spec.ownerType ?? "User");
        const defaultBranch = spec.defaultBranch ?? "main";
        await mkdir(join(reposDir, owner.login), { recursive: true });
        const git = await GitBackend.init(join(reposDir, owner.login), spec.name, defaultBranch);
        const repo: RepoRecord = {
          id: world.id(), owner, name: spec.name, fullName: `${owner.login}/${spec.name}`, private: spec.private ?? false, defaultBranch, git, createdAt: world.now(),
          collaborators: new Map(Object.entries(spec.collaborators ?? {}).map(([login, p]) => { world.user(login); return [login.toLowerCase(), p]; })),
          nextNumber: 1, pulls: new Map(), issues: new Map(), comments: new Map(), checkRuns: new Map(), secrets: spec.secrets ?? {}, vars: spec.vars ?? {},
          rulesets: [], allowAutoMerge: spec.allowAutoMerge ?? false,
        };
        world.repos.set(repo.fullName.toLowerCase(), repo);
        await installPushHook(repo); // rules and the `workflows` permission on git push (push-rules.ts)
        const h = handle(repo);
        handles.set(repo.fullName.toLowerCase(), h);
        await h.commit({ branch: defaultBranch, files: spec.files ?? { "README.md": `# ${spec.name}\n` }, message: "Initial commit", silent: true });
        return h;
      },
      get(fullName) {
        const h = handles.get(fullName.toLowerCase());
        if (h === undefined) throw new Error(`no seeded repository ${fullName}`);
        return h;
      },
    },
    apps: {
      create(spec = {}) {
        const id = world.id();
        const slug = spec.slug ?? `app-${id}`;
        const { privateKey, publicKey } = appKey(world.apps.size);
        const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
        const record: AppRecord = {
          id, slug, name: spec.name ?? slug, clientId: `Iv1.${randomBytes(8).toString("hex")}`, owner: world.user(spec.owner ?? "weave-org", "Organization"),
          bot: world.user(`${slug}[bot]`, "Bot"), privateKey: pem, publicKey, webhookUrl: spec.webhookUrl, webhookSecret: spec.webhookSecret,
          permissions: spec.permissions ?? { metadata: "read", contents: "write", pull_requests: "write", issues: "write", checks: "write", actions: "write" },
          events: spec.events ?? "all", createdAt: world.now(),
        };
        world.apps.set(id, record);
        return {
          record, id, slug, clientId: record.clientId, privateKey: pem, webhookSecret: spec.webhookSecret,
          async jwt(claims = {}) {
            const iat = claims.iat ?? Math.floor(world.now().getTime() / 1000) - 30;
            return new SignJWT({}).setProtectedHeader({ alg: "RS256" }).setIssuer(claims.iss ?? String(id)).setIssuedAt(iat).setExpirationTime(claims.exp ?? iat + 540).sign(createPrivateKey(pem));
          },
          install(owner, options = {}) {
            const installation: InstallationRecord = {
              id: world.id(), app: record, account: world.user(owner), createdAt: world.now(),
              repositories: options.repositories === undefined ? "all" : new Set(options.repositories.map((r) => (r.includes("/") ? r : `${owner}/${r}`).toLowerCase())),
            };
            world.installations.set(installation.id, installation);
            onInstalled(installation);
            return { id: installation.id, record: installation, token: (permissions) => mintInstallationToken(world, installation, permissions).token };
          },
          setWebhookUrl(url) { record.webhookUrl = url; },
        };
      },
    },
  };
}
