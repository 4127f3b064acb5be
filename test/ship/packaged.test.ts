// The package as people get it: `npm pack`, then installed from the tarball with `npm i --prefix` in an empty temp dir
// (no clone around, production dependencies only, as npm installs any package). The CLI runs a plan in a fresh
// repository; the App boots from that install, answers /healthz, takes a signed webhook, serves the manifest setup
// flow without APP_ID, and refuses a bad private key at boot.
import { execFile, execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../harness/webhooks.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; bin: Record<string, string>; dependencies: Record<string, string> };
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let tmp: string;
let installed: string;
let weaveBin: string;
const children: ChildProcess[] = [];

function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 32 << 20 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "weave-pack-"));
  // `npm test` built dist/ first; packing here must not rebuild (other test files use dist/ at the same time).
  const packed = await run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], { cwd: ROOT });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(tmp, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  installed = join(tmp, "install");
  await mkdir(installed);
  const install = await run(npm, ["i", "--prefix", installed, tarball, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: tmp });
  expect(install.code, install.stderr).toBe(0);
  weaveBin = join(installed, "node_modules/.bin/weave");
}, 600_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
});

describe("the npm package", () => {
  it("packs the built code, the schema and the App's files, and no tests, fixtures, sources or maps", async () => {
    const dry = await run(npm, ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: ROOT });
    const files = (JSON.parse(dry.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const needed of ["bin/weave.js", "dist/src/cli/main.js", "dist/src/github/main.js", "schema/weave.schema.json", "app.yml", ".env.example", "README.md", "package.json"]) expect(files, needed).toContain(needed);
    expect(files.filter((f) => /^(test|bench|scripts|examples|action)\/|(^|\/)(fixtures|__fixtures__)\//.test(f) || /\.test\.|\.map$|(?<!\.d)\.ts$/.test(f))).toEqual([]);
    expect(Object.keys(PKG.bin)).toEqual(["weave"]);
  });

  it("installs with production dependencies only, outside any clone", () => {
    expect(existsSync(join(installed, "node_modules", PKG.name, "dist/src/cli/main.js"))).toBe(true);
    // No devDependency came along: what runs below runs on `dependencies` alone.
    for (const dev of ["vitest", "typescript", "eslint", "esbuild"]) expect(existsSync(join(installed, "node_modules", dev)), dev).toBe(false);
    expect(() => execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: tmp, stdio: "ignore" }), "the temp dir is inside a git clone").toThrow();
  }, 10_000);

  it("runs `weave --version`, `weave plan check` and `weave start` in a fresh repository", async () => {
    const version = await run(weaveBin, ["--version"], { cwd: tmp });
    expect(version.code).toBe(0);
    expect(version.stdout).toContain(PKG.version);
    const repo = join(tmp, "repo");
    await mkdir(join(repo, ".github"), { recursive: true });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "t@weave.local");
    git("config", "user.name", "weave test");
    await writeFile(join(repo, ".github/weave.yml"), "version: 1\nmax_workers: 2\nmerge: { via: direct, auto: auto, order: completion }\nworker:\n  command: node agent.mjs\n  cost: none\nmilestones:\n  - { id: a, tasks: [one], files: [out/a.txt] }\n  - { id: b, depends_on: [a], tasks: [two], files: [out/b.txt] }\n");
    await writeFile(join(repo, "agent.mjs"), 'import { mkdirSync, writeFileSync } from "node:fs";\nmkdirSync("out", { recursive: true });\nwriteFileSync(`out/${process.env.WEAVE_MILESTONE}.txt`, process.env.WEAVE_TASK + "\\n");\n');
    await writeFile(join(repo, ".gitignore"), ".weave/\n");
    git("add", "-A");
    git("commit", "-q", "-m", "init");
    const { WEAVE_WORKER: _inside, ...env } = process.env;
    const check = await run(weaveBin, ["plan", "check"], { cwd: repo, env });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const start = await run(weaveBin, ["start"], { cwd: repo, env });
    expect(start.code, start.stdout + start.stderr).toBe(0);
    expect(start.stdout).toMatch(/2\/2 merged into main/);
    expect(git("show", "main:out/b.txt")).toBe("two\n");
  }, 120_000);
});

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Starts the installed App (`node dist/src/github/main.js`, what `npm start` runs) and waits for its first output line. */
async function boot(env: Record<string, string>, cwd: string): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["dist/src/github/main.js"], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, output: () => output, exited };
}

async function until(probe: () => Promise<boolean>, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the App said:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the App from the production-only install", () => {
  const appDir = () => join(installed, "node_modules", PKG.name);
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

  it("boots: /healthz answers, a signed webhook is accepted, an unsigned one refused; the version is logged", async () => {
    const port = await freePort();
    const cache = await mkdtemp(join(tmp, "cache-"));
    const app = await boot({ APP_ID: "1", PRIVATE_KEY: Buffer.from(key).toString("base64"), WEBHOOK_SECRET: "s3cret", WEAVE_PUBLIC_URL: "https://weave.example.com", PORT: String(port), HOST: "127.0.0.1", WEAVE_CACHE_DIR: cache, LOG_LEVEL: "warn" }, appDir());
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, "/healthz", app.output);
    expect(app.output()).toContain(`${PKG.name} ${PKG.version}`);
    const payload = JSON.stringify({ zen: "Design for failure.", hook_id: 1, hook: { type: "App", id: 1, active: true, events: [], config: {} } });
    const deliver = (signature: string) => fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "d-1", "x-hub-signature-256": signature }, body: payload });
    expect((await deliver(sign("s3cret", payload))).status).toBe(200);
    expect((await deliver(sign("wrong", payload))).status).toBe(400);
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
  }, 60_000);

  it("takes the key from PRIVATE_KEY_PATH", async () => {
    const port = await freePort();
    const keyFile = join(tmp, "app.private-key.pem");
    await writeFile(keyFile, key);
    const app = await boot({ APP_ID: "1", PRIVATE_KEY_PATH: keyFile, WEBHOOK_SECRET: "s", WEAVE_PUBLIC_URL: "https://weave.example.com", PORT: String(port), HOST: "127.0.0.1", WEAVE_CACHE_DIR: tmp, LOG_LEVEL: "warn" }, appDir());
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, "/healthz", app.output);
    app.child.kill("SIGTERM");
    await app.exited;
  }, 60_000);

  it("refuses a bad private key at boot, with a message that names it and says what to do", async () => {
    const app = await boot({ APP_ID: "1", PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n", WEBHOOK_SECRET: "s", WEAVE_PUBLIC_URL: "https://weave.example.com", PORT: String(await freePort()) }, appDir());
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain("PRIVATE_KEY is not a usable RSA private key");
    expect(app.output()).toContain("PRIVATE_KEY_PATH");
    expect(app.output()).not.toContain("not a key");
    expect(app.output()).not.toMatch(/DECODER|at .*\.js:\d+/);
  }, 30_000);

  it("serves the manifest setup flow from app.yml when APP_ID is missing", async () => {
    const port = await freePort();
    const app = await boot({ PORT: String(port), HOST: "127.0.0.1", NO_SMEE_SETUP: "true", LOG_LEVEL: "warn" }, appDir());
    await until(async () => (await fetch(`http://127.0.0.1:${port}/probot`)).ok, "the setup page", app.output);
    const page = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
    // The form posts app.yml's manifest to GitHub: its events and permissions are weave's.
    expect(page).toContain("https://github.com/settings/apps/new");
    for (const needed of ["issue_comment", "workflow_job", "&quot;actions&quot;:&quot;write&quot;"]) expect(page.replaceAll('"', "&quot;"), needed).toContain(needed);
    app.child.kill("SIGTERM");
    await app.exited;
  }, 60_000);
});
