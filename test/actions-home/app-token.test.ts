// The coordinator's App token (actions-home/app-token.ts): both secrets or neither; revoked at the pass's end, a
// failed pass too (DELETE /installation/token, after which the stand-in refuses it as GitHub does); and against the stand-in's real
// JWT checks — a token with no more than pushes and PRs need (it is also asked for this repository only, which the
// stand-in does not model), and errors that say
// what to fix without the key in them.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { APP_ID_ENV, APP_KEY_ENV, mintLandingToken, readAppCredentials, revokeLandingToken } from "../../src/actions-home/app-token.js";
import { runCoordinatePass } from "../../src/actions-home/coordinate.js";
import { WeaveError } from "../../src/core/errors.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----";
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof WeaveError ? e.code : "not a WeaveError";
  }
};

describe("readAppCredentials", () => {
  it.each([
    ["neither", {}, "none"],
    ["both empty strings (absent secrets)", { [APP_ID_ENV]: "", [APP_KEY_ENV]: "" }, "none"],
    ["both", { [APP_ID_ENV]: "123", [APP_KEY_ENV]: PEM }, "ok"],
    ["a key with literal \\n", { [APP_ID_ENV]: " 123 ", [APP_KEY_ENV]: PEM.replace(/\n/g, "\\n") }, "ok"],
    ["only the id", { [APP_ID_ENV]: "123" }, "usage"],
    ["only the key", { [APP_KEY_ENV]: PEM }, "usage"],
    ["an id that is not a number", { [APP_ID_ENV]: "weave-app", [APP_KEY_ENV]: PEM }, "usage"],
    ["a key that is not PEM", { [APP_ID_ENV]: "123", [APP_KEY_ENV]: "ghp_notakey" }, "usage"],
  ])("%s", (_, env, expected) => {
    const failure = code(() => readAppCredentials(env));
    if (expected === "usage") expect(failure).toBe("usage");
    else {
      expect(failure).toBeUndefined();
      const read = readAppCredentials(env);
      expect(read === undefined ? "none" : "ok").toBe(expected);
      if (read) expect(read).toEqual({ appId: "123", privateKey: PEM });
    }
  });
});

let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

describe("mintLandingToken against the stand-in", () => {
  it("mints a token that can push and open PRs but not make check runs; masks it; says what to fix", async () => {
    gh = await createGitHubStandIn();
    await gh.repos.create({ owner: "acme", name: "widgets" });
    const app = gh.apps.create({ slug: "lander" });
    app.install("acme");
    const masked: string[] = [];
    const token = await mintLandingToken({ appId: String(app.id), privateKey: app.privateKey }, { owner: "acme", repo: "widgets" }, gh.url, (s) => masked.push(s), () => {});
    expect(masked).toContain(token);
    const octokit = new Octokit({ baseUrl: gh.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const { data: main } = await octokit.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" });
    await octokit.git.createRef({ owner: "acme", repo: "widgets", ref: "refs/heads/topic", sha: main.commit.sha });
    // Check runs are GITHUB_TOKEN's in this mode: the App's token is not allowed to make them.
    await expect(octokit.checks.create({ owner: "acme", repo: "widgets", name: "x", head_sha: main.commit.sha })).rejects.toMatchObject({ status: 403 });

    // Not installed on the repository: a usage-level refusal naming the fix, not the key.
    const elsewhere = gh.apps.create({ slug: "stranger" });
    const refused = await mintLandingToken({ appId: String(elsewhere.id), privateKey: elsewhere.privateKey }, { owner: "acme", repo: "widgets" }, gh.url, () => {}, () => {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WeaveError);
    expect((refused as WeaveError).code).toBe("not-authorized");
    expect((refused as WeaveError).hint).toMatch(/install the App/);
    // Another App's key with this id: GitHub refuses the JWT.
    const wrong = await mintLandingToken({ appId: String(app.id), privateKey: elsewhere.privateKey }, { owner: "acme", repo: "widgets" }, gh.url, () => {}, () => {}).catch((e: unknown) => e);
    expect((wrong as WeaveError).code).toBe("not-authorized");
    expect(String((wrong as WeaveError).message) + String((wrong as WeaveError).hint)).not.toContain("PRIVATE KEY");
  });
});

describe("the App token's revocation", () => {
  const octokitOf = (token: string): Octokit => new Octokit({ baseUrl: gh!.url, auth: token, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });

  it("revokes the token it is given: GitHub refuses it afterwards, and the log never holds it", async () => {
    gh = await createGitHubStandIn();
    await gh.repos.create({ owner: "acme", name: "widgets" });
    const app = gh.apps.create({ slug: "lander" });
    app.install("acme");
    const token = await mintLandingToken({ appId: String(app.id), privateKey: app.privateKey }, { owner: "acme", repo: "widgets" }, gh.url, () => {}, () => {});
    await octokitOf(token).repos.get({ owner: "acme", repo: "widgets" });
    const logged: string[] = [];
    expect(await revokeLandingToken(token, gh.url, (m) => logged.push(m))).toBe(true);
    await expect(octokitOf(token).repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 401 });
    // A second revocation: GitHub no longer knows the token; logged without it, never thrown.
    expect(await revokeLandingToken(token, gh.url, (m) => logged.push(m))).toBe(false);
    expect(logged.join("\n")).toMatch(/could not be revoked \(GitHub answered 401\)/);
    expect(logged.join("\n")).not.toContain(token);
    expect(gh.takeViolations()).toEqual([]);
  });

  it("a coordinator pass that fails after minting still revokes the token", async () => {
    gh = await createGitHubStandIn();
    const repo = await gh.repos.create({ owner: "acme", name: "widgets" });
    const app = gh.apps.create({ slug: "lander", permissions: { metadata: "read", contents: "write", pull_requests: "write" } });
    app.install("acme", { repositories: ["widgets"] });
    repo.setPermission("alice", "admin");
    const dir = await mkdtemp(join(tmpdir(), "weave-revoke-"));
    try {
      // RUNNER_TEMP is a file: the pass cannot make its mirror and throws after the token was minted.
      const notADir = join(dir, "runner-temp");
      await writeFile(notADir, "");
      const masked: string[] = [];
      const logged: string[] = [];
      const env = {
        GITHUB_TOKEN: gh.users.token("alice"), GITHUB_REPOSITORY: "acme/widgets", GITHUB_EVENT_NAME: "schedule", GITHUB_API_URL: gh.url,
        RUNNER_TEMP: notADir, WEAVE_LEDGER_KEY: "a-ledger-key-long-enough-for-tests", [APP_ID_ENV]: String(app.id), [APP_KEY_ENV]: app.privateKey,
      };
      const failed = await runCoordinatePass({ env, core: { getInput: () => "", setSecret: (s) => masked.push(s), info: (m) => logged.push(m) } }).then(() => undefined, (e: unknown) => e);
      expect(failed).toBeInstanceOf(Error);
      const minted = masked.filter((s) => s.startsWith("ghs_"));
      expect(minted).toHaveLength(1);
      await expect(octokitOf(minted[0]!).repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({ status: 401 });
      expect(gh.callCounts()["apps/revoke-installation-access-token"]).toBe(1);
      expect(logged.join("\n")).not.toContain(minted[0]!);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
