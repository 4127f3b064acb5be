/**
 * Webhook receiver for tests: a real HTTP endpoint that verifies each delivery with @octokit/webhooks
 * (X-Hub-Signature-256) and records it, standing in for the App until the App exists.
 * Not here: delivery and faults (webhooks.ts). Invariant: a delivery whose signature fails is recorded as rejected, answered 400.
 */
import { createServer } from "node:http";
import { Webhooks } from "@octokit/webhooks";

export interface Received { id: string; name: string; action: string | undefined; payload: Record<string, unknown>; headers: Record<string, string> }

export interface WebhookReceiver {
  url: string; received: Received[]; rejected: string[];
  /** Resolves when `count` deliveries matching `filter` have arrived (rejects after `timeoutMs`). */
  waitFor(filter: (r: Received) => boolean, count?: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, status = 200): Promise<WebhookReceiver> {
  const webhooks = new Webhooks({ secret });
  const received: Received[] = [];
  const rejected: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      webhooks.verify(body, headers["x-hub-signature-256"] ?? "").then((ok) => {
        if (!ok) { rejected.push(body); res.statusCode = 400; res.end("bad signature"); return; }
        const payload = JSON.parse(body) as Record<string, unknown>;
        received.push({ id: headers["x-github-delivery"] ?? "", name: headers["x-github-event"] ?? "", action: payload.action as string | undefined, payload, headers });
        res.statusCode = status;
        res.end("ok");
      }, (error: unknown) => { rejected.push(String(error)); res.statusCode = 500; res.end(); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`, received, rejected,
    async waitFor(filter, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hits = received.filter(filter);
        if (hits.length >= count) return hits;
        if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} deliveries; got ${hits.length} of ${received.map((r) => `${r.name}.${r.action ?? ""}`).join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())); },
  };
}
