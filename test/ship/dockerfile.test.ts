// The Dockerfile, without a Docker daemon (this machine has only the client): read its stages, check what must hold
// (multi-stage, git >= 2.38 in the runtime, non-root, HEALTHCHECK on /healthz, WEAVE_CACHE_DIR a volume), run its
// COPY and RUN steps in temp dirs standing for each stage's filesystem (honouring .dockerignore), then boot the
// runtime stage's CMD and run its HEALTHCHECK. Only the system step (apt-get, as root) is not run; it is checked.
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import picomatch from "picomatch";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

interface Step {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Step[];
}

/** Dockerfile → stages of steps (line continuations joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === "FROM") {
      const [, from = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, name, steps: [] });
    } else stages.at(-1)!.steps.push({ op: op.toUpperCase(), args: args.replace(/\s+/g, " ") });
  }
  return stages;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of stage.steps.filter((s) => s.op === "ENV")) for (const [, k, v] of s.args.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
  return env;
}

/** `.dockerignore` as a predicate on context-relative paths (a matched directory excludes everything under it). */
function dockerignore(text: string): (path: string) => boolean {
  const matchers = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).map((p) => picomatch(p.replace(/^\/+|\/+$/g, ""), { dot: true }));
  return (path) => {
    const parts = path.split("/");
    return parts.some((_, i) => matchers.some((m) => m(parts.slice(0, i + 1).join("/"))));
  };
}

function copyFiltered(from: string, to: string, ignored: (rel: string) => boolean, base: string): void {
  if (ignored(relative(base, from))) return;
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) copyFiltered(join(from, entry), join(to, entry), ignored, base);
  } else {
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to);
  }
}

const stages = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const runtime = stages.at(-1)!;
const args = (op: string, stage = runtime) => stage.steps.filter((s) => s.op === op).map((s) => s.args);
const exec = (json: string): string[] => JSON.parse(json.replace(/^CMD\s+/, "")) as string[];
const isSystemStep = (s: Step) => s.op === "RUN" && s.args.startsWith("apt-get ");

let tmp: string | undefined;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  if (tmp) await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
});

describe("Dockerfile", () => {
  it("builds in one stage and runs in a slim one: git >= 2.38, non-root, HEALTHCHECK on /healthz, the cache a volume", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.name).toBeUndefined();
    // Debian bookworm ships git 2.39 (trixie 2.47); bullseye's 2.30 has no `merge-tree --write-tree`.
    expect(runtime.from).toMatch(/^node:(2[2-9]|[3-9]\d)[\w.-]*-(bookworm|trixie)-slim$/);
    const system = runtime.steps.filter(isSystemStep);
    expect(system).toHaveLength(1);
    expect(system[0]!.args).toMatch(/apt-get install -y --no-install-recommends [^&]*\bgit\b/);
    const user = args("USER");
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    const env = envOf(runtime);
    expect(env.WEAVE_CACHE_DIR).toBeDefined();
    expect(exec(args("VOLUME")[0]!)).toContain(env.WEAVE_CACHE_DIR);
    expect(system[0]!.args).toContain(`chown node:node ${env.WEAVE_CACHE_DIR}`);
    expect(env.NODE_ENV).toBe("production");
    expect(args("HEALTHCHECK")[0]).toContain("/healthz");
    // Only the build stage ever sees the sources and the devDependencies.
    expect(args("COPY").every((a) => a.startsWith("--from="))).toBe(true);
  });

  it("its COPY and RUN steps, run in temp dirs, give an image whose CMD boots and whose HEALTHCHECK passes", async () => {
    tmp = await mkdtemp(join(tmpdir(), "weave-docker-"));
    const ignored = dockerignore(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
    const roots = new Map<string, string>();
    let final = { root: "", workdir: "/", env: {} as Record<string, string> };
    for (const [i, stage] of stages.entries()) {
      const root = join(tmp, `stage-${i}`);
      mkdirSync(root);
      if (stage.name) roots.set(stage.name, root);
      let workdir = "/";
      const env = envOf(stage);
      for (const step of stage.steps) {
        const cwd = join(root, workdir);
        if (step.op === "WORKDIR") {
          workdir = resolve(workdir, step.args);
          mkdirSync(join(root, workdir), { recursive: true });
        } else if (step.op === "COPY") {
          const parts = step.args.split(" ");
          const from = parts[0]!.startsWith("--from=") ? roots.get(parts.shift()!.slice("--from=".length)) : undefined;
          const dest = parts.pop()!;
          for (const src of parts) {
            if (from) cpSync(join(from, src), resolve(cwd, dest), { recursive: true });
            else if (src === ".") for (const entry of readdirSync(ROOT)) copyFiltered(join(ROOT, entry), join(resolve(cwd, dest), entry), ignored, ROOT);
            else copyFiltered(join(ROOT, src), join(resolve(cwd, dest), src), ignored, ROOT);
          }
        } else if (step.op === "RUN" && !isSystemStep(step)) {
          execFileSync("sh", ["-c", step.args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "ignore", "pipe"] });
        }
      }
      final = { root, workdir, env };
    }
    const app = join(final.root, final.workdir);
    expect(existsSync(join(app, "app.yml"))).toBe(true);
    for (const absent of ["test", "src", "node_modules/vitest", "node_modules/typescript", ".env"]) expect(existsSync(join(app, absent)), absent).toBe(false);

    const port = await new Promise<number>((done) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
    });
    const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    // As `docker run --env-file .env -p … -v …` would: the image's ENV, the operator's settings, the volume elsewhere.
    const env = { PATH: process.env.PATH, ...final.env, WEAVE_CACHE_DIR: join(tmp, "volume"), PORT: String(port), HOST: "127.0.0.1", APP_ID: "1", PRIVATE_KEY: key.replace(/\n/g, "\\n"), WEBHOOK_SECRET: "s", WEAVE_PUBLIC_URL: "https://weave.example.com", LOG_LEVEL: "warn" } as NodeJS.ProcessEnv;
    const [cmd, ...cmdArgs] = exec(args("CMD")[0]!);
    const child = spawn(cmd === "node" ? process.execPath : cmd!, cmdArgs, { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const [hcmd, ...hargs] = exec(args("HEALTHCHECK")[0]!.replace(/^(--\S+\s+)*/, ""));
    const healthy = () => {
      try {
        execFileSync(hcmd === "node" ? process.execPath : hcmd!, hargs, { env, stdio: "ignore", timeout: 5_000 });
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 30_000;
    while (!healthy()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the image's CMD never became healthy:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill("SIGTERM");
  }, 600_000);
});
