/**
 * Heartbeat endpoint (`POST /weave/heartbeat`): where worker jobs report progress and hear pause/stop.
 * Responsibilities: verify the job's OIDC token (issuer, audience `weave`, signature), that its repository is
 * installed and its run is one the ledger (or a dispatch in flight) knows; record the status; answer the signal;
 * update the check run at most once per interval; wake the reconcile when a worker's state changes.
 * Not here: the Action's side (action/https-reporter.ts); deciding (github/reconcile-repo.ts).
 * Invariants: an unverified request changes nothing and gets 401/403; the body is bounded (request-body.ts); a
 * failure answers 500 without its text.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { WorkerSignal, WorkerStatus } from "../ports/reporter.js";
import type { RepoSession } from "./repo-session.js";
import { BODY_TIMEOUT_MS, HEARTBEAT_MAX_BYTES, readBoundedBody, refuseBody } from "./request-body.js";

export interface HeartbeatDeps {
  issuer: string;
  /** The session of an installed repository, or undefined when weave is not installed there. */
  sessionFor(fullName: string): Promise<RepoSession | undefined>;
  /** Called with every accepted heartbeat (`changed` when the worker's state moved); may answer a signal at once. */
  onHeartbeat(session: RepoSession, milestone: string, status: WorkerStatus, changed: boolean): WorkerSignal | undefined;
  now: () => Date;
}


export function createHeartbeatHandler(deps: HeartbeatDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const jwks = createRemoteJWKSet(new URL(`${deps.issuer.replace(/\/$/, "")}/.well-known/jwks`));
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  return (req, res) => {
    void (async () => {
      const read = await readBoundedBody(req, { maxBytes: HEARTBEAT_MAX_BYTES, timeoutMs: BODY_TIMEOUT_MS });
      if (!read.ok) return refuseBody(res, read);
      const text = read.text;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token) return reply(res, 401, { error: "missing bearer token" });
      let claims: { repository?: unknown; run_id?: unknown };
      try {
        claims = (await jwtVerify(token, jwks, { issuer: deps.issuer, audience: "weave" })).payload as typeof claims;
      } catch (e) {
        return reply(res, 401, { error: `token rejected: ${(e as Error).message}` });
      }
      let body: { dispatch_id?: unknown; status?: WorkerStatus };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return reply(res, 400, { error: "body is not JSON" });
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) return reply(res, 400, { error: "body must be a JSON object: {\"dispatch_id\": …, \"status\": {…}}" });
      const status = body.status;
      if (typeof claims.repository !== "string" || !status || typeof status.milestone !== "string") return reply(res, 400, { error: "missing repository claim or status" });
      const session = await deps.sessionFor(claims.repository);
      if (!session) return reply(res, 403, { error: `weave is not installed on ${claims.repository}` });
      const runId = Number(claims.run_id);
      const record = session.ledger?.milestones[status.milestone];
      const dispatch = typeof body.dispatch_id === "string" ? session.dispatches.get(body.dispatch_id) : undefined;
      const known = (record?.runId !== undefined && record.runId === runId) || (dispatch?.milestone === status.milestone && (dispatch.runId === undefined || dispatch.runId === runId));
      if (!known) return reply(res, 403, { error: `run ${String(claims.run_id)} is not a weave run of ${status.milestone} in ${claims.repository}` });
      const previous = session.heartbeats.get(status.milestone);
      session.heartbeats.set(status.milestone, { status, at: deps.now().getTime(), runId });
      const now = deps.onHeartbeat(session, status.milestone, status, previous?.status.state !== status.state || previous.runId !== runId);
      reply(res, 200, { signal: record?.signal ?? now ?? null });
    })().catch(() => {
      if (!res.headersSent) reply(res, 500, { error: "internal error (see the App's log)" });
    });
  };
}
