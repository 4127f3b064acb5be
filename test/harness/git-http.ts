/**
 * Git smart HTTP: real `git clone`/`fetch`/`push` against the stand-in (/_git/<owner>/<repo>.git), served by
 * `git http-backend` as CGI. Responsibilities: authenticate like github.com (Basic with a token as password,
 * x-access-token for App and Actions tokens), require contents read/write, and report the refs a push moved.
 * Branch rules refuse pushes through the repository's pre-receive hook (push-rules.ts).
 * Not here: what follows a push (repo-events.ts). Invariants: anonymous push answers 401; refs are diffed around each receive-pack.
 */
import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { callerUser, requireAccess } from "./auth.js";
import type { Caller } from "./auth.js";
import { ZERO_SHA } from "./git-backend.js";
import { randomUUID } from "node:crypto";
import { pushNeedsCheck } from "./push-rules.js";
import type { PushCredentials } from "./push-rules.js";
import type { RepoEvents, RefChange } from "./repo-events.js";
import { HttpError } from "./world.js";
import type { World } from "./world.js";

export function createGitHttp(world: World, root: string, events: RepoEvents, pushes: PushCredentials) {
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://x");
    const match = /^\/_git\/([^/]+)\/([^/]+?)(?:\.git)?(\/.*)$/.exec(url.pathname);
    const deny = (status: number, message: string): void => {
      res.statusCode = status;
      if (status === 401) res.setHeader("www-authenticate", 'Basic realm="GitHub"');
      res.end(message);
    };
    if (match === null) { deny(404, "Repository not found."); return; }
    const [, owner = "", name = "", rest = ""] = match;
    const pushing = rest.endsWith("git-receive-pack") || url.searchParams.get("service") === "git-receive-pack";
    let caller: Caller = { kind: "anonymous" };
    const basic = /^Basic (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (basic !== undefined) {
      const password = Buffer.from(basic, "base64").toString("utf8").split(":").slice(1).join(":");
      const token = world.tokens.get(password);
      if (token === undefined || token.expiresAt <= world.now()) { deny(401, "Invalid username or token."); return; }
      caller = { kind: "token", token };
    }
    let repo;
    try {
      repo = world.repo(owner, name);
      requireAccess(world, caller, repo, "contents", pushing ? "write" : "read");
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      deny(caller.kind === "anonymous" && status !== 200 ? 401 : status === 404 ? 404 : 403, error instanceof Error ? error.message : String(error));
      return;
    }
    const before = pushing && rest.endsWith("git-receive-pack") ? await repo.git.listRefs() : undefined;
    // The pre-receive hook asks the stand-in only when there is something to check (push-rules.ts).
    const token = caller.kind === "token" ? caller.token : undefined;
    const nonce = before !== undefined && pushNeedsCheck(repo, token) ? randomUUID() : undefined;
    if (nonce !== undefined) pushes.set(nonce, token);
    const rulesUrl = nonce === undefined ? "" : `${world.baseUrl}/_rules/${repo.owner.login}/${repo.name}?push=${nonce}`;
    let output: Buffer;
    try {
      output = await runBackend(req, url, `/${repo.owner.login}/${repo.name}.git${rest}`, root, body, callerUser(world, caller)?.login ?? "anonymous", rulesUrl);
    } finally {
      if (nonce !== undefined) pushes.delete(nonce);
    }
    const split = output.indexOf("\r\n\r\n") >= 0 ? output.indexOf("\r\n\r\n") : output.indexOf("\n\n");
    const headerText = output.subarray(0, split).toString("utf8");
    // Follow the push (PR heads, `push` events) before answering, so a client that saw its push succeed sees its effects.
    if (before !== undefined) {
      const after = await repo.git.listRefs();
      const changes: RefChange[] = [];
      for (const ref of new Set([...before.keys(), ...after.keys()])) {
        const a = before.get(ref) ?? ZERO_SHA;
        const b = after.get(ref) ?? ZERO_SHA;
        if (a !== b) changes.push({ ref, before: a, after: b });
      }
      const pusher = callerUser(world, caller) ?? world.user("anonymous");
      const forced = await Promise.all(changes.map(async (c) => c.before !== ZERO_SHA && c.after !== ZERO_SHA && !(await repo.git.isAncestor(c.before, c.after))));
      if (changes.length > 0) await events.refsChanged(repo, changes, pusher, forced.some(Boolean));
    }
    res.statusCode = 200;
    for (const line of headerText.split(/\r?\n/)) {
      const [key = "", ...value] = line.split(":");
      if (key.toLowerCase() === "status") res.statusCode = Number(value.join(":").trim().split(" ")[0]);
      else if (key !== "") res.setHeader(key, value.join(":").trim());
    }
    res.end(output.subarray(split + (output[split] === 13 ? 4 : 2)));
  };
}

function runBackend(req: IncomingMessage, url: URL, pathInfo: string, root: string, body: Buffer, user: string, rulesUrl: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["http-backend"], {
      env: {
        ...process.env, GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: "1", PATH_INFO: pathInfo, REMOTE_USER: user, REMOTE_ADDR: "127.0.0.1",
        REQUEST_METHOD: req.method ?? "GET", QUERY_STRING: url.search.slice(1), CONTENT_TYPE: req.headers["content-type"] ?? "", CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "", HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""), WEAVE_RULES_URL: rulesUrl,
      },
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", () => resolve(Buffer.concat(chunks)));
    child.stdin.on("error", () => undefined); // http-backend may answer without reading the body
    child.stdin.end(body);
  });
}
