/**
 * A stand-in for the weave App's heartbeat endpoint in Action tests: a real HTTP server that verifies each job's
 * OIDC token against the stand-in's issuer (signature, issuer, audience `weave`) and answers pause/stop on demand,
 * `/weave tell` notes (until a heartbeat says they were taken, as the App does) and the run's remaining budget
 * (a ceiling minus the job's reported cost, as the App counts it); `down(true)` makes it drop every connection unanswered, as an App that is restarting would.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { JWTPayload } from "jose";
import type { WorkerStatus } from "../../src/ports/reporter.js";

export interface Heartbeat {
  status: WorkerStatus;
  dispatchId: string;
  notesSeen?: string[];
  claims: JWTPayload & { repository?: string; run_id?: string };
}

export interface HeartbeatServer {
  url: string;
  beats: Heartbeat[];
  rejected: string[];
  /** Connections dropped while down. */
  dropped: number;
  down(on: boolean): void;
  /** Answer this signal to every heartbeat of `milestone` from now on. */
  answer(milestone: string, signal: "pause" | "stop" | undefined): void;
  /** Send these notes with every reply to `milestone` until a heartbeat lists them as seen (`keep`: send them anyway). */
  tell(milestone: string, notes: { id: string; text: string }[], keep?: boolean): void;
  /** Answer `budget_left_usd` = ceiling − the job's reported cost from now on. */
  budget(ceilingUsd: number): void;
  close(): Promise<void>;
}

export async function startHeartbeatServer(issuer: string): Promise<HeartbeatServer> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks`));
  const beats: Heartbeat[] = [];
  const rejected: string[] = [];
  const answers = new Map<string, "pause" | "stop" | undefined>();
  const notes = new Map<string, { list: { id: string; text: string }[]; keep: boolean }>();
  let ceiling: number | undefined;
  let isDown = false;
  const handle = { dropped: 0 };
  const server = createServer((req, res) => {
    if (isDown) {
      handle.dropped++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        try {
          if (req.method !== "POST" || req.url !== "/weave/heartbeat") throw new Error(`unexpected ${req.method} ${req.url}`);
          const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
          if (!token) throw new Error("no bearer token");
          const { payload } = await jwtVerify(token, jwks, { issuer, audience: "weave" });
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { dispatch_id: string; status: WorkerStatus; notes_seen?: string[] };
          beats.push({ status: body.status, dispatchId: body.dispatch_id, claims: payload, ...(body.notes_seen ? { notesSeen: body.notes_seen } : {}) });
          const held = notes.get(body.status.milestone);
          if (held && !held.keep) held.list = held.list.filter((n) => !(body.notes_seen ?? []).includes(n.id));
          const reply = {
            signal: answers.get(body.status.milestone) ?? null, notes: held?.list ?? [],
            ...(ceiling !== undefined ? { budget_left_usd: Math.max(0, ceiling - body.status.costUsd) } : {}),
          };
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
        } catch (e) {
          rejected.push((e as Error).message);
          res.writeHead(401).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    beats,
    rejected,
    get dropped() {
      return handle.dropped;
    },
    down: (on) => void (isDown = on),
    answer: (milestone, signal) => void answers.set(milestone, signal),
    tell: (milestone, list, keep = false) => void notes.set(milestone, { list, keep }),
    budget: (usd) => void (ceiling = usd),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
