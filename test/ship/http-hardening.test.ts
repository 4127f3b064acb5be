// Hostile input at the App's HTTP layer gets a clear "no" and the App stays up (issue 13): bodies are capped on every
// route before they are read whole, the webhook signature is checked on the bounded copy, a `null` heartbeat is a 400,
// and a body that trickles in is timed out. A real server and raw HTTP requests, so nothing is read for us.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../harness/webhooks.js";
import { createAppWorld } from "../github/app-fixtures.js";
import type { AppWorld } from "../github/app-fixtures.js";

let world: AppWorld;
beforeAll(async () => {
  world = await createAppWorld();
});
afterAll(async () => {
  await world.close();
});

interface Answer {
  status: number;
  body: string;
}

/**
 * Sends a request whose body `feed` writes (it may never end it) and resolves with the first answer. `noAnswerMs`
 * bounds how long a test waits for one (a server that reads the whole body first never answers a body that never ends).
 */
function send(url: string, headers: Record<string, string | number>, feed: (write: (chunk: Buffer) => Promise<boolean>, end: () => void) => Promise<void>, noAnswerMs = 20_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${noAnswerMs} ms (the server is still reading the body)`));
    }, noAnswerMs);
    const req = request(url, { method: "POST", headers }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on("error", (e) => {
      // Our writes fail once the server closed a refused request; the answer it sent first is what counts.
      if (!answered) {
        clearTimeout(timer);
        reject(e);
      }
    });
    const write = (chunk: Buffer): Promise<boolean> =>
      new Promise((ok) => {
        if (answered || req.destroyed) return ok(false);
        if (req.write(chunk)) ok(true);
        else {
          const settle = (value: boolean) => () => {
            req.off("drain", onDrain).off("close", onClose);
            ok(value && !answered);
          };
          const onDrain = settle(true);
          const onClose = settle(false);
          req.once("drain", onDrain).once("close", onClose);
        }
      });
    void feed(write, () => req.end()).catch(() => {});
  });
}

const webhookHeaders = (extra: Record<string, string | number> = {}) => ({ "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "d-1", "x-hub-signature-256": "sha256=" + "0".repeat(64), ...extra });

describe("the App's HTTP layer", () => {
  it("answers 413 to a webhook that declares 300 MB, before reading it", async () => {
    const url = `${world.server.url}/api/github/webhooks`;
    const answer = await send(url, webhookHeaders({ "content-length": 300 * 1024 * 1024 }), async (write) => {
      await write(Buffer.alloc(64 * 1024, 0x20));
      // ...and never the rest: a server that waits for 300 MB never answers.
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `request body larger than ${25 * 1024 * 1024} bytes` });
  });

  it("answers 413 to a chunked webhook as soon as it passes 25 MB, without waiting for its end", async () => {
    const url = `${world.server.url}/api/github/webhooks`;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const answer = await send(url, webhookHeaders({ "transfer-encoding": "chunked" }), async (write) => {
      for (let i = 0; i < 40; i++) if (!(await write(chunk))) return;
      // Never ended: only a bounded read answers.
    });
    expect(answer.status).toBe(413);
  });

  it("still takes a signed webhook under the cap, and checks its signature on the bytes read", async () => {
    const url = `${world.server.url}/api/github/webhooks`;
    const payload = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, hook: { type: "App", id: 1, active: true, events: [], config: {} } });
    const good = await send(url, webhookHeaders({ "x-hub-signature-256": sign("webhook-secret", payload), "content-length": Buffer.byteLength(payload) }), async (write, end) => {
      await write(Buffer.from(payload));
      end();
    });
    expect(good.status).toBe(200);
    const forged = await send(url, webhookHeaders({ "x-hub-signature-256": sign("not-the-secret", payload) }), async (write, end) => {
      await write(Buffer.from(payload));
      end();
    });
    expect(forged.status).toBe(400);
  });

  it("caps the other routes too: a body sent to /healthz or an unknown path is refused unread", async () => {
    const big = Buffer.alloc(1024 * 1024, 0x20);
    for (const path of ["/healthz", "/nowhere"]) {
      const answer = await send(`${world.server.url}${path}`, { "content-length": 300 * 1024 * 1024 }, async (write) => {
        await write(big);
      });
      expect(answer.status, path).toBe(413);
    }
  });

  it("answers a heartbeat whose body is null with 400 and a clear message, not a 500", async () => {
    const claims = {
      sub: "repo:acme/widgets:ref:refs/heads/main", repository: "acme/widgets", repository_id: "1", repository_owner: "acme", repository_owner_id: "1", repository_visibility: "private",
      run_id: "1", run_number: "1", run_attempt: "1", workflow: "weave worker", workflow_ref: "acme/widgets/.github/workflows/weave-worker.yml@refs/heads/main", workflow_sha: "0".repeat(40),
      job_workflow_ref: "acme/widgets/.github/workflows/weave-worker.yml@refs/heads/main", job_workflow_sha: "0".repeat(40), ref: "refs/heads/main", ref_type: "branch", ref_protected: "false",
      sha: "0".repeat(40), actor: "alice", actor_id: "1", event_name: "workflow_dispatch", head_ref: "", base_ref: "", runner_environment: "github-hosted",
    };
    const token = await world.gh.oidc.mint(claims, "weave");
    for (const body of ["null", "[]", "7"]) {
      const response = await fetch(`${world.server.url}/weave/heartbeat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: string }).error, body).toMatch(/^body must be a JSON object/);
    }
  });

  it("times out a body that trickles in, on the webhook and the heartbeat routes", async () => {
    world.config.limits = { bodyTimeoutMs: 1000 };
    try {
      for (const path of ["/api/github/webhooks", "/weave/heartbeat"]) {
        const answer = await send(`${world.server.url}${path}`, webhookHeaders({ "content-length": 1000, authorization: "Bearer x" }), async (write) => {
          await write(Buffer.from("{"));
          // ...then nothing more: the client went quiet.
        });
        expect(answer.status, path).toBe(408);
        expect(answer.body, path).toMatch(/did not arrive within 1000 ms/);
      }
    } finally {
      world.config.limits = undefined;
    }
  });
});
