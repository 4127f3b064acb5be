// WEBHOOK_PROXY_URL, as probot apps use it in development: the App subscribes to a smee.io-style channel (here a real
// local server-sent-events channel speaking smee's format) and forwards each delivery to its own webhook route,
// where the signature is checked as for a direct delivery.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import type { ServerResponse } from "node:http";
import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sign } from "../harness/webhooks.js";

const ROOT = resolve(import.meta.dirname, "../..");
let child: ChildProcess | undefined;
let tmp: string | undefined;
const listeners: ServerResponse[] = [];
const channel = createServer((req, res) => {
  if (req.url !== "/channel") return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  res.write("event: ready\ndata: {}\n\n");
  listeners.push(res);
});

afterAll(async () => {
  child?.kill("SIGKILL");
  for (const res of listeners) res.destroy();
  channel.closeAllConnections();
  await new Promise((r) => channel.close(r));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

describe("WEBHOOK_PROXY_URL", () => {
  it("forwards the channel's deliveries to the webhook route, signature checked", async () => {
    await new Promise<void>((r) => channel.listen(0, "127.0.0.1", r));
    tmp = await mkdtemp(join(tmpdir(), "weave-proxy-"));
    const port = await freePort();
    const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const source = `http://127.0.0.1:${(channel.address() as AddressInfo).port}/channel`;
    child = spawn(process.execPath, [join(ROOT, "dist/src/github/main.js")], {
      cwd: tmp,
      env: { PATH: process.env.PATH, APP_ID: "1", PRIVATE_KEY: key, WEBHOOK_SECRET: "s3cret", WEAVE_PUBLIC_URL: "https://weave.example.com", PORT: String(port), HOST: "127.0.0.1", WEAVE_CACHE_DIR: tmp, WEBHOOK_PROXY_URL: source, LOG_LEVEL: "info", LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const until = async (probe: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the App said:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(() => listeners.length > 0, "the App to subscribe to the channel");
    const body = { zen: "Approachable is better than simple.", hook_id: 1, hook: { type: "App", id: 1, active: true, events: [], config: {} } };
    const deliver = (signature: string, id: string) =>
      listeners[0]!.write(`data: ${JSON.stringify({ "x-github-event": "ping", "x-github-delivery": id, "x-hub-signature-256": signature, host: "smee.io", body, query: {} })}\n\n`);
    deliver(sign("s3cret", JSON.stringify(body)), "d-good");
    await until(() => output.includes(`POST http://127.0.0.1:${port}/api/github/webhooks - 200`), "the signed delivery to be accepted");
    deliver(sign("wrong", JSON.stringify(body)), "d-forged");
    await until(() => output.includes(`POST http://127.0.0.1:${port}/api/github/webhooks - 400`), "the forged delivery to be refused");
    expect(output.split(`/api/github/webhooks - 200`)).toHaveLength(2);
  }, 60_000);
});
