// The stand-in rejects what GitHub rejects, from GitHub's own OpenAPI description, and lists every deviation
// so a test fails loudly; it also counts calls per credential and answers with injected rate limits.
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubStandIn } from "./stand-in.js";
import type { GitHubStandIn } from "./stand-in.js";

let gh: GitHubStandIn;
let token: string;
let installationId: number;

beforeEach(async () => {
  gh = await createGitHubStandIn({ rateLimits: { installation: 3 } });
  await gh.repos.create({ owner: "acme", name: "widgets" });
  const installation = gh.apps.create({ slug: "weave" }).install("acme");
  token = installation.token();
  installationId = installation.id;
});
afterEach(async () => { await gh.close(); });

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${gh.url}${path}`, { method, headers: { authorization: `token ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

describe("requests are checked against GitHub's OpenAPI description", () => {
  it("answers 404 for an unknown route and a wrong method, and lists both", async () => {
    expect((await call("GET", "/repos/acme/widgets/milestones-and-more")).status).toBe(404);
    expect((await call("DELETE", "/repos/acme/widgets/pulls/1")).status).toBe(404);
    expect(gh.takeViolations().map((v) => v.kind)).toEqual(["unknown-route", "wrong-method"]);
  });

  it("answers 422 for a missing or ill-typed body field and 404 for an ill-typed path parameter", async () => {
    const missing = await call("POST", "/repos/acme/widgets/git/refs", { ref: "refs/heads/x" });
    expect(missing.status).toBe(422);
    expect(String(missing.body.message)).toContain("must have required property 'sha'");
    expect((await call("PATCH", "/repos/acme/widgets/git/refs/heads/main", { sha: 42 })).status).toBe(422);
    expect((await call("GET", "/repos/acme/widgets/pulls/abc")).status).toBe(404);
    expect((await call("GET", "/repos/acme/widgets/pulls?per_page=lots")).status).toBe(422);
    expect((await call("POST", "/repos/acme/widgets/git/refs", "{not json")).status).toBe(400);
    expect(gh.takeViolations().map((v) => v.kind)).toEqual(["invalid-request", "invalid-request", "invalid-request", "invalid-request", "invalid-request"]);
  });

  it("serves but lists body fields GitHub's description does not know (GitHub ignores them silently)", async () => {
    const main = await gh.repos.get("acme/widgets").head("main");
    const result = await call("PATCH", "/repos/acme/widgets/git/refs/heads/main", { sha: main, forced: true });
    expect(result.status).toBe(200);
    expect(gh.takeViolations()).toEqual([expect.objectContaining({ kind: "unknown-field", message: expect.stringContaining("body.forced") })]);
  });

  it("rejects workflow dispatch inputs beyond 25 before anything runs", async () => {
    const inputs = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, "x"]));
    expect((await call("POST", "/repos/acme/widgets/actions/workflows/weave.yml/dispatches", { ref: "main", inputs })).status).toBe(422);
    expect(gh.takeViolations()[0]?.message).toContain("must NOT have more than 25 properties");
  });

  it("answers 403 to a request without a User-Agent, as GitHub does", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve) => {
      request(`${gh.url}/repos/acme/widgets`, { headers: { authorization: `token ${token}` } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).end();
    });
    expect(status).toBe(403);
    expect(gh.takeViolations()[0]?.message).toContain("User-Agent");
  });

  it("makes close() fail while violations are unread", async () => {
    const other = await createGitHubStandIn();
    await fetch(`${other.url}/nope`);
    await expect(other.close()).rejects.toThrow(/unknown-route/);
  });
});

describe("rate limits and call counts", () => {
  it("counts requests per installation token and answers 403 with x-ratelimit-remaining: 0 past the budget", async () => {
    const first = await call("GET", "/repos/acme/widgets");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("2");
    await call("GET", "/repos/acme/widgets");
    await call("GET", "/repos/acme/widgets");
    const limited = await call("GET", "/repos/acme/widgets");
    expect(limited.status).toBe(403);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(gh.rateLimits.usedBy(`installation:${installationId}`)).toBe(4);
  });

  it("injects primary and secondary limits for one operation", async () => {
    gh.rateLimits.inject({ kind: "secondary", operationId: "repos/get", retryAfterSeconds: 7 });
    gh.rateLimits.inject({ kind: "primary", operationId: "repos/get" });
    const secondary = await call("GET", "/repos/acme/widgets");
    expect([secondary.status, secondary.headers.get("retry-after")]).toEqual([403, "7"]);
    expect(String(secondary.body.message)).toContain("secondary rate limit");
    const primary = await call("GET", "/repos/acme/widgets");
    expect([primary.status, primary.headers.get("x-ratelimit-remaining")]).toEqual([403, "0"]);
    expect((await call("GET", "/repos/acme/widgets")).status).toBe(200);
    expect(gh.callCounts()).toEqual({ "repos/get": 3 });
  });

  it("round-trips a plain @octokit/rest client and its retries see the limit", async () => {
    const octokit = new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const { data } = await octokit.repos.get({ owner: "acme", repo: "widgets" });
    expect(data.full_name).toBe("acme/widgets");
    gh.rateLimits.inject({ kind: "secondary" });
    await expect(octokit.repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 403 });
  });
});
