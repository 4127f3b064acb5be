/**
 * Shapes: REST response objects built from GitHub's own examples (components/examples of the OpenAPI subset),
 * with every field the stand-in models overwritten from its records and git.
 * Responsibilities: users, repositories, refs, commits, pulls, comments, reactions, check runs, apps, installations.
 * Not here: Actions shapes (actions-shapes.ts), webhook payloads (webhook-payloads.ts).
 * Invariants: examples that lag the schema are patched here, and the server validates every result anyway.
 */
import type { OpenApiValidator } from "./openapi-validator.js";
import { iso } from "./world.js";
import type { AppRecord, CheckRunRecord, CommentRecord, InstallationRecord, PullRecord, ReactionRecord, RepoRecord, UserRecord, World } from "./world.js";

type Json = Record<string, unknown>;

export class Shapes {
  constructor(private readonly validator: OpenApiValidator, private readonly world: World) {}

  get api(): string { return this.world.baseUrl; }
  get server(): string { return `${this.world.baseUrl}/_git`; }

  example(name: string, overrides: Json): Json {
    return Object.assign(this.validator.example(name), overrides);
  }

  user(user: UserRecord): Json {
    const login = encodeURIComponent(user.login);
    const url = `${this.api}/users/${login}`;
    return {
      login: user.login, id: user.id, node_id: nodeId("U", user.id), avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`, gravatar_id: "",
      url, html_url: `${this.server}/${login}`, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`,
      type: user.type, site_admin: false, user_view_type: "public",
    };
  }

  repository(repo: RepoRecord): Json {
    const url = `${this.api}/repos/${repo.fullName}`;
    const base = this.validator.example("full-repository-default-response");
    for (const key of ["template_repository", "parent", "source", "organization", "license", "security_and_analysis", "code_of_conduct", "custom_properties"]) delete base[key];
    const patched: Json = {};
    for (const [key, value] of Object.entries(base)) {
      patched[key] = typeof value === "string" && value.startsWith("https://api.github.com/repos/octocat/Hello-World")
        ? value.replace("https://api.github.com/repos/octocat/Hello-World", url) : value;
    }
    return Object.assign(patched, {
      id: repo.id, node_id: nodeId("R", repo.id), name: repo.name, full_name: repo.fullName, owner: this.user(repo.owner), private: repo.private,
      visibility: repo.private ? "private" : "public", html_url: `${this.server}/${repo.fullName}`, url, description: null, fork: false,
      clone_url: `${this.server}/${repo.fullName}.git`, git_url: `${this.server}/${repo.fullName}.git`, ssh_url: `git@localhost:${repo.fullName}.git`,
      svn_url: `${this.server}/${repo.fullName}`, mirror_url: null, homepage: null, language: null, default_branch: repo.defaultBranch,
      created_at: iso(repo.createdAt), updated_at: iso(repo.createdAt), pushed_at: iso(this.world.now()), archived: false, disabled: false,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true }, network_count: 0, subscribers_count: 0, license: null,
      allow_auto_merge: repo.allowAutoMerge,
    });
  }

  gitRef(repo: RepoRecord, ref: string, sha: string): Json {
    return { ref, node_id: nodeId("REF", Buffer.from(`${repo.id}:${ref}`).toString("base64")), url: `${this.api}/repos/${repo.fullName}/git/${ref}`, object: { type: "commit", sha, url: `${this.api}/repos/${repo.fullName}/git/commits/${sha}` } };
  }

  async gitCommit(repo: RepoRecord, sha: string): Promise<Json> {
    const c = await repo.git.readCommit(sha);
    const person = (p: typeof c.author): Json => ({ name: p.name, email: p.email, date: iso(p.date ?? new Date(0)) });
    const url = `${this.api}/repos/${repo.fullName}/git/commits/${sha}`;
    return {
      sha, node_id: nodeId("C", sha), url, html_url: `${this.server}/${repo.fullName}/commit/${sha}`, author: person(c.author), committer: person(c.committer),
      message: c.message.replace(/\n$/, ""), tree: { sha: c.tree, url: `${this.api}/repos/${repo.fullName}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${this.api}/repos/${repo.fullName}/git/commits/${p}`, html_url: `${this.server}/${repo.fullName}/commit/${p}` })),
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    };
  }

  /** The "commit" schema (repos/get-commit, compare): git commit plus GitHub users and, when asked, files. */
  async commit(repo: RepoRecord, sha: string, withFiles = false): Promise<Json> {
    const git = await this.gitCommit(repo, sha);
    const c = await repo.git.readCommit(sha);
    const files = withFiles ? await this.files(repo, c.parents[0], sha) : undefined;
    return {
      url: `${this.api}/repos/${repo.fullName}/commits/${sha}`, sha, node_id: git.node_id, html_url: git.html_url, comments_url: `${this.api}/repos/${repo.fullName}/commits/${sha}/comments`,
      commit: { url: git.url, author: git.author, committer: git.committer, message: git.message, comment_count: 0, tree: git.tree, verification: git.verification },
      author: null, committer: null, parents: (git.parents as Json[]).map(({ sha: p, url, html_url }) => ({ sha: p, url, html_url })),
      ...(files === undefined ? {} : { files, stats: { additions: 0, deletions: 0, total: 0 } }),
    };
  }

  async files(repo: RepoRecord, base: string | undefined, head: string): Promise<Json[]> {
    const diff = base === undefined ? (await repo.git.lsTree(head, { recursive: true })).filter((e) => e.type === "blob").map((e) => ({ status: "A", path: e.path })) : await repo.git.diffFiles(base, head);
    const names: Record<string, string> = { A: "added", D: "removed", M: "modified", T: "changed" };
    return diff.map((d) => ({
      sha: null, filename: d.path, status: names[d.status[0] ?? "M"] ?? "modified", additions: 0, deletions: 0, changes: 0,
      blob_url: `${this.server}/${repo.fullName}/blob/${head}/${d.path}`, raw_url: `${this.server}/${repo.fullName}/raw/${head}/${d.path}`,
      contents_url: `${this.api}/repos/${repo.fullName}/contents/${d.path}?ref=${head}`,
    }));
  }

  async pull(repo: RepoRecord, pull: PullRecord): Promise<Json> {
    const url = `${this.api}/repos/${repo.fullName}/pulls/${pull.number}`;
    const baseSha = (await repo.git.readRef(`refs/heads/${pull.base}`)) ?? pull.mergeableFor;
    const commits = pull.merged ? 0 : (await repo.git.commitsBetween(baseSha, pull.headSha)).length;
    const side = (ref: string, sha: string): Json => ({ label: `${repo.owner.login}:${ref}`, ref, sha, user: this.user(repo.owner), repo: this.repository(repo) });
    return this.example("pull-request", {
      url, id: pull.id, node_id: nodeId("PR", pull.id), html_url: `${this.server}/${repo.fullName}/pull/${pull.number}`,
      diff_url: `${this.server}/${repo.fullName}/pull/${pull.number}.diff`, patch_url: `${this.server}/${repo.fullName}/pull/${pull.number}.patch`,
      issue_url: `${this.api}/repos/${repo.fullName}/issues/${pull.number}`, commits_url: `${url}/commits`, review_comments_url: `${url}/comments`,
      review_comment_url: `${this.api}/repos/${repo.fullName}/pulls/comments{/number}`, comments_url: `${this.api}/repos/${repo.fullName}/issues/${pull.number}/comments`,
      statuses_url: `${this.api}/repos/${repo.fullName}/statuses/${pull.headSha}`, number: pull.number, state: pull.state, locked: false, title: pull.title,
      user: this.user(pull.user), body: pull.body, labels: [], milestone: null, active_lock_reason: null, created_at: iso(pull.createdAt), updated_at: iso(pull.updatedAt),
      closed_at: iso(pull.closedAt), merged_at: iso(pull.mergedAt), merge_commit_sha: pull.mergeCommitSha, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
      head: side(pull.head, pull.headSha), base: side(pull.base, baseSha), author_association: "OWNER", auto_merge: this.autoMerge(pull), draft: pull.draft, merged: pull.merged,
      mergeable: pull.mergeable, rebaseable: pull.mergeable, mergeable_state: pull.mergeableState, merged_by: pull.mergedBy === null ? null : this.user(pull.mergedBy),
      comments: [...repo.comments.values()].filter((c) => c.issueNumber === pull.number).length, review_comments: 0, maintainer_can_modify: pull.maintainerCanModify,
      commits, additions: 0, deletions: 0, changed_files: 0,
      _links: { self: { href: url }, html: { href: `${this.server}/${repo.fullName}/pull/${pull.number}` }, issue: { href: `${this.api}/repos/${repo.fullName}/issues/${pull.number}` },
        comments: { href: `${this.api}/repos/${repo.fullName}/issues/${pull.number}/comments` }, review_comments: { href: `${url}/comments` },
        review_comment: { href: `${this.api}/repos/${repo.fullName}/pulls/comments{/number}` }, commits: { href: `${url}/commits` }, statuses: { href: `${this.api}/repos/${repo.fullName}/statuses/${pull.headSha}` } },
    });
  }

  autoMerge(pull: PullRecord): Json | null {
    const auto = pull.autoMerge;
    if (auto == null) return null;
    return { enabled_by: this.user(auto.enabledBy), merge_method: auto.method, commit_title: auto.commitHeadline, commit_message: auto.commitBody };
  }

  comment(repo: RepoRecord, comment: CommentRecord): Json {
    const counts: Record<string, number> = { "+1": 0, "-1": 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
    for (const r of comment.reactions) counts[r.content] = (counts[r.content] ?? 0) + 1;
    const url = `${this.api}/repos/${repo.fullName}/issues/comments/${comment.id}`;
    return {
      id: comment.id, node_id: nodeId("IC", comment.id), url, html_url: `${this.server}/${repo.fullName}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body, user: this.user(comment.user), created_at: iso(comment.createdAt), updated_at: iso(comment.updatedAt),
      issue_url: `${this.api}/repos/${repo.fullName}/issues/${comment.issueNumber}`, author_association: authorAssociation(this.world.permissionOf(repo, comment.user.login)),
      ...(comment.app === undefined ? {} : { performed_via_github_app: this.app(comment.app) }),
      reactions: { url: `${url}/reactions`, total_count: comment.reactions.length, ...counts },
    };
  }

  reaction(reaction: ReactionRecord): Json {
    return { id: reaction.id, node_id: nodeId("REA", reaction.id), user: this.user(reaction.user), content: reaction.content, created_at: iso(reaction.createdAt) };
  }

  checkRun(repo: RepoRecord, run: CheckRunRecord): Json {
    const url = `${this.api}/repos/${repo.fullName}/check-runs/${run.id}`;
    const pulls = [...repo.pulls.values()].filter((p) => p.state === "open" && p.headSha === run.headSha);
    return {
      id: run.id, head_sha: run.headSha, node_id: nodeId("CR", run.id), external_id: run.externalId, url, html_url: `${this.server}/${repo.fullName}/runs/${run.id}`,
      details_url: run.detailsUrl, status: run.status, conclusion: run.conclusion, started_at: iso(run.startedAt), completed_at: iso(run.completedAt),
      output: { ...run.output, annotations_url: `${url}/annotations` }, name: run.name, check_suite: { id: run.id + 1_000_000 }, app: this.app(run.app),
      pull_requests: pulls.map((p) => ({ id: p.id, number: p.number, url: `${this.api}/repos/${repo.fullName}/pulls/${p.number}`,
        head: { ref: p.head, sha: p.headSha, repo: { id: repo.id, name: repo.name, url: `${this.api}/repos/${repo.fullName}` } },
        base: { ref: p.base, sha: p.mergeableFor, repo: { id: repo.id, name: repo.name, url: `${this.api}/repos/${repo.fullName}` } } })),
      ...(run.actions.length > 0 ? { actions: run.actions } : {}),
    };
  }

  app(app: AppRecord): Json {
    return {
      id: app.id, slug: app.slug, client_id: app.clientId, node_id: nodeId("A", app.id), owner: this.user(app.owner), name: app.name, description: null,
      external_url: `${this.server}/apps/${app.slug}`, html_url: `${this.server}/apps/${app.slug}`, created_at: iso(app.createdAt), updated_at: iso(app.createdAt),
      permissions: app.permissions, events: app.events === "all" ? [] : app.events,
    };
  }

  installation(inst: InstallationRecord): Json {
    return this.example("installation", {
      id: inst.id, account: this.user(inst.account), repository_selection: inst.repositories === "all" ? "all" : "selected",
      access_tokens_url: `${this.api}/app/installations/${inst.id}/access_tokens`, repositories_url: `${this.api}/installation/repositories`,
      html_url: `${this.server}/settings/installations/${inst.id}`, app_id: inst.app.id, client_id: inst.app.clientId, target_id: inst.account.id,
      target_type: inst.account.type === "Organization" ? "Organization" : "User", permissions: inst.app.permissions, events: inst.app.events === "all" ? [] : inst.app.events,
      created_at: iso(inst.createdAt), updated_at: iso(inst.createdAt), app_slug: inst.app.slug, single_file_name: null, suspended_at: null, suspended_by: null,
    });
  }
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}_${id}`).toString("base64").replace(/=+$/, "");
}

export function authorAssociation(permission: string): string {
  return permission === "admin" ? "OWNER" : permission === "read" ? "NONE" : "COLLABORATOR";
}
