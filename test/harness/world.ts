/**
 * World: the stand-in's in-memory records (users, apps, installations, tokens, repositories and what lives in them).
 * Responsibilities: record types, id allocation, lookups that answer GitHub's 404s, and the shared HttpError.
 * Not here: git objects (git-backend.ts — refs and commits live only in git), HTTP shapes (shapes.ts).
 * Invariants: ids are unique across all kinds; a repository's refs are never cached here.
 */
import type { KeyObject } from "node:crypto";
import type { GitBackend } from "./git-backend.js";

export type Permission = "read" | "triage" | "write" | "maintain" | "admin";
export type AccessLevel = "read" | "write" | "admin";

export interface UserRecord { login: string; id: number; type: "User" | "Bot" | "Organization" }
export interface AppRecord {
  id: number; slug: string; name: string; clientId: string; owner: UserRecord; bot: UserRecord;
  privateKey: string; publicKey: KeyObject; webhookUrl: string | undefined; webhookSecret: string | undefined;
  permissions: Record<string, AccessLevel>; events: string[] | "all"; createdAt: Date;
}
export interface InstallationRecord { id: number; app: AppRecord; account: UserRecord; repositories: "all" | Set<string>; createdAt: Date }
export interface TokenRecord {
  token: string; kind: "installation" | "actions" | "user"; expiresAt: Date;
  installation?: InstallationRecord; user?: UserRecord; runId?: number; repoFullName?: string;
  permissions: Record<string, AccessLevel>;
}
export interface ReactionRecord { id: number; content: string; user: UserRecord; createdAt: Date }
export interface CommentRecord { id: number; issueNumber: number; body: string; user: UserRecord; app: AppRecord | undefined; createdAt: Date; updatedAt: Date; reactions: ReactionRecord[] }
export interface ReviewRecord { id: number; user: UserRecord; body: string; state: string; commitId: string; submittedAt: Date }
export interface PullRecord {
  id: number; number: number; title: string; body: string | null; user: UserRecord; head: string; base: string; headSha: string;
  state: "open" | "closed"; draft: boolean; merged: boolean; mergedAt: Date | null; mergedBy: UserRecord | null; mergeCommitSha: string | null;
  mergeable: boolean | null; mergeableState: string; mergeableFor: string; createdAt: Date; updatedAt: Date; closedAt: Date | null;
  reviews: ReviewRecord[]; maintainerCanModify: boolean;
  /** The base's head is not an ancestor of the head (computed with `mergeable`; strict required checks call this "behind"). */
  behind?: boolean;
  autoMerge?: AutoMergeRecord | null;
  queueEntry?: QueueEntryRecord | null;
}
export interface AutoMergeRecord {
  enabledBy: UserRecord; method: "merge" | "squash" | "rebase"; commitHeadline: string; commitBody: string; enabledAt: Date;
  /** The App credential's permissions when an App (or GITHUB_TOKEN) enabled it; GitHub merges with them. */
  permissions?: Record<string, AccessLevel> | undefined;
}
/** A pull request in its base branch's merge queue; `group` is set while its merge group (gh-readonly-queue/…) exists. */
export interface QueueEntryRecord {
  id: number; enqueuedBy: UserRecord; enqueuedAt: Date; jump: boolean;
  group: { ref: string; sha: string; baseSha: string } | null;
}
/** One repository rule as GitHub's rulesets describe it ({ type, parameters? }). */
export interface BranchRuleRecord { type: string; parameters?: Record<string, unknown> }
/** A ruleset, or a branch's classic protection (`source: "protection"`, set with PUT branches/{b}/protection and kept as
 * the rules it implies, plus the body it was set with). */
export interface RulesetRecord { id: number; name: string; branch: string; rules: BranchRuleRecord[]; source?: "ruleset" | "protection"; protection?: Record<string, unknown> }
export interface CheckRunRecord {
  id: number; app: AppRecord; headSha: string; name: string; status: string; conclusion: string | null; externalId: string | null;
  detailsUrl: string | null; startedAt: Date; completedAt: Date | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
  actions: { label: string; description: string; identifier: string }[];
}
export interface IssueRecord { number: number; title: string; user: UserRecord; state: "open" | "closed"; createdAt: Date }
export interface RepoRecord {
  id: number; owner: UserRecord; name: string; fullName: string; private: boolean; defaultBranch: string; git: GitBackend; createdAt: Date;
  collaborators: Map<string, Permission>; nextNumber: number; pulls: Map<number, PullRecord>; issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>; checkRuns: Map<number, CheckRunRecord>; secrets: Record<string, string>; vars: Record<string, string>;
  /** Active branch rulesets (the stand-in models repository-level rulesets only). */
  rulesets: RulesetRecord[]; allowAutoMerge: boolean;
}

export interface GitHubErrorBody { message: string; documentation_url: string; status?: string; errors?: unknown[] }

/** A GitHub-shaped error answer; routes throw it, the server writes it. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Partial<GitHubErrorBody> = {}, readonly headers: Record<string, string> = {}) {
    super(message);
  }
  body(): GitHubErrorBody {
    return { message: this.message, documentation_url: this.extra.documentation_url ?? "https://docs.github.com/rest", status: String(this.status), ...this.extra };
  }
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");
export const validationFailed = (message: string, errors: unknown[] = []): HttpError => new HttpError(422, message, errors.length > 0 ? { errors } : {});

export class World {
  private nextId = 1000;
  readonly users = new Map<string, UserRecord>();
  readonly apps = new Map<number, AppRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly repos = new Map<string, RepoRecord>();

  constructor(readonly baseUrl: string, readonly now: () => Date) {}

  id(): number { return this.nextId++; }

  user(login: string, type: UserRecord["type"] = "User"): UserRecord {
    let user = this.users.get(login.toLowerCase());
    if (user === undefined) {
      user = { login, id: this.id(), type };
      this.users.set(login.toLowerCase(), user);
    }
    return user;
  }

  repo(owner: string, name: string): RepoRecord {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (repo === undefined) throw notFound();
    return repo;
  }

  /** The permission GitHub reports for `login`: owners are admin, non-collaborators read. */
  permissionOf(repo: RepoRecord, login: string): Permission {
    if (repo.owner.login.toLowerCase() === login.toLowerCase()) return "admin";
    return repo.collaborators.get(login.toLowerCase()) ?? "read";
  }

  installationFor(appId: number, repo: RepoRecord): InstallationRecord | undefined {
    return [...this.installations.values()].find((i) => i.app.id === appId && covers(i, repo));
  }

  installationsCovering(repo: RepoRecord): InstallationRecord[] {
    return [...this.installations.values()].filter((i) => covers(i, repo));
  }
}

export function covers(installation: InstallationRecord, repo: RepoRecord): boolean {
  if (installation.account.login.toLowerCase() !== repo.owner.login.toLowerCase()) return false;
  return installation.repositories === "all" || installation.repositories.has(repo.fullName.toLowerCase());
}

/** The noreply address GitHub gives an account ("[bot]" spelled "-bot" so it stays a valid email for the schemas). */
export const noreplyEmail = (user: UserRecord): string => `${user.id}+${user.login.replace(/\[bot\]$/, "-bot")}@users.noreply.github.com`;

export const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString().replace(/\.\d{3}Z$/, "Z"));
