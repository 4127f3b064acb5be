/**
 * Heartbeat endpoint (`POST /weave/heartbeat`): where worker jobs report progress and hear pause/stop.
 * Responsibilities: verify the job's OIDC token (issuer, audience `weave`, signature) and pin its claims to the
 * recorded worker run (github/job-claims.ts); parse the body with its contract (core/contracts/heartbeat-body.ts) and
 * check the claim (core/heartbeat-claim.ts);
 * record the status (with the ids of the notes the job took); answer the signal, the pending `/weave tell` notes and
 * the run's remaining budget; wake the reconcile when a worker's state changes. A repository the App is not
 * installed on is remembered briefly.
 * Not here: the Action's side (action/https-reporter.ts); deciding (github/reconcile-repo.ts); believing `finished`
 * (github/finish-evidence.ts, in the reconcile); reading the body (request-body.ts).
 * Invariants: an unverified or ill-formed request changes nothing and gets 400/401/403/422; the body is bounded; a
 * failure answers 500 without its text.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { parseHeartbeatBody } from "../core/contracts/heartbeat-body.js";
import { claimProblems } from "../core/heartbeat-claim.js";
import { runBudgetLeft } from "./budget-reach.js";
import type { LedgerMilestone } from "./ledger.js";
import type { WorkerSignal, WorkerStatus } from "../ports/reporter.js";
import { jobClaimProblems } from "./job-claims.js";
import type { RepoSession } from "./repo-session.js";
import { BODY_TIMEOUT_MS, HEARTBEAT_MAX_BYTES, readBoundedBody, refuseBody } from "./request-body.js";

export interface HeartbeatDeps {
  issuer: string;
  /** The session of an installed repository, or undefined when weave is not installed there. */
  sessionFor(fullName: string): Promise<RepoSession | undefined>;
  /** Called with every accepted heartbeat (`changed` when the worker's state moved); may answer a signal at once. */
  onHeartbeat(session: RepoSession, milestone: string, status: WorkerStatus, changed: boolean): WorkerSignal | undefined;
  /** The repository's id (kept in the ledger from claim time) and default branch, to pin the token's claims. */
  repoFacts(session: RepoSession): Promise<{ repositoryId?: number; defaultBranch: string }>;
  /** The worker workflow's file name (e.g. weave-worker.yml). */
  workflowFile: string;
  now: () => Date;
}

/**
 * The answer to an accepted heartbeat: the signal, the `/weave tell` notes the job has not said it took (every reply
 * carries them until it does: a lost reply loses nothing), and what the run may still spend (when it has a ceiling).
 */
export function heartbeatReply(record: LedgerMilestone | undefined, signal: WorkerSignal | undefined, notesSeen: readonly string[] | undefined, budgetLeftUsd: number | undefined): { signal: WorkerSignal | null; notes: { id: string; text: string }[]; budget_left_usd?: number } {
  const seen = new Set(notesSeen ?? []);
  const notes = (record?.notes ?? []).filter((n) => !seen.has(n.id)).map((n) => ({ id: n.id, text: n.text }));
  return { signal: signal ?? null, notes, ...(budgetLeftUsd !== undefined ? { budget_left_usd: Math.round(budgetLeftUsd * 10_000) / 10_000 } : {}) };
}

/** How long "weave is not installed on this repository" is believed without asking GitHub again. */
export const NOT_INSTALLED_TTL_MS = 60_000;

export function createHeartbeatHandler(deps: HeartbeatDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const jwks = createRemoteJWKSet(new URL(`${deps.issuer.replace(/\/$/, "")}/.well-known/jwks`));
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const notInstalled = new Map<string, number>();
  return (req, res) => {
    void (async () => {
      const read = await readBoundedBody(req, { maxBytes: HEARTBEAT_MAX_BYTES, timeoutMs: BODY_TIMEOUT_MS });
      if (!read.ok) return refuseBody(res, read);
      const text = read.text;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token) return reply(res, 401, { error: "missing bearer token" });
      let claims: Record<string, unknown>;
      try {
        claims = (await jwtVerify(token, jwks, { issuer: deps.issuer, audience: "weave" })).payload;
      } catch (e) {
        return reply(res, 401, { error: `token rejected: ${(e as Error).message}` });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return reply(res, 400, { error: "body is not JSON" });
      }
      if (typeof json !== "object" || json === null || Array.isArray(json)) return reply(res, 400, { error: "body must be a JSON object: {\"dispatch_id\": …, \"status\": {…}}" });
      const parsed = parseHeartbeatBody(json);
      if (!parsed.ok) return reply(res, 400, { error: "the heartbeat body is not a weave worker status", problems: parsed.problems });
      const body = parsed.body;
      const repository = claims.repository;
      if (typeof repository !== "string") return reply(res, 400, { error: "the token has no repository claim" });
      const absentUntil = notInstalled.get(repository);
      if (absentUntil !== undefined && absentUntil > deps.now().getTime()) return reply(res, 403, { error: `weave is not installed on ${repository}` });
      const session = await deps.sessionFor(repository);
      if (!session) {
        notInstalled.set(repository, deps.now().getTime() + NOT_INSTALLED_TTL_MS);
        if (notInstalled.size > 10_000) notInstalled.delete(notInstalled.keys().next().value!);
        return reply(res, 403, { error: `weave is not installed on ${repository}` });
      }
      notInstalled.delete(repository);
      const milestone = body.status.milestone;
      const runId = Number(claims.run_id);
      const record = Object.hasOwn(session.ledgers.latest?.milestones ?? {}, milestone) ? session.ledgers.latest!.milestones[milestone] : undefined;
      const dispatch = body.dispatch_id !== undefined ? session.dispatchBook.pending.get(body.dispatch_id) : undefined;
      const known = (record?.runId !== undefined && record.runId === runId) || (dispatch?.milestone === milestone && (dispatch.runId === undefined || dispatch.runId === runId));
      if (!known) return reply(res, 403, { error: `run ${String(claims.run_id)} is not a weave run of ${milestone} in ${repository}` });
      const facts = await deps.repoFacts(session);
      const pinned = jobClaimProblems(claims, { repository, repositoryId: facts.repositoryId, workflowFile: deps.workflowFile, defaultBranch: facts.defaultBranch, runId, runAttempt: 1 });
      if (pinned.length) return reply(res, 403, { error: `the token is not the worker workflow's run for ${milestone}`, problems: pinned });
      const previousBeat = session.heartbeats.get(milestone);
      const previous = previousBeat && previousBeat.runId === runId ? previousBeat.status : undefined;
      const problems = record ? claimProblems(body.status, record.tasks, previous) : [];
      if (problems.length) return reply(res, 422, { error: `heartbeat refused: it breaks weave's rules for ${milestone}`, problems });
      // An unknown cost (null) adds nothing to what is known.
      const costUnknown = body.status.costUnknown === true || body.status.costUsd === null;
      const status: WorkerStatus = { ...body.status, costUsd: body.status.costUsd ?? previous?.costUsd ?? record?.costUsd ?? 0, pid: body.status.pid ?? 0, ...(costUnknown ? { costUnknown } : {}) };
      const notesSeen = body.notes_seen ?? (previousBeat?.runId === runId ? previousBeat.notesSeen : undefined);
      session.heartbeats.set(milestone, { status, at: deps.now().getTime(), runId, ...(notesSeen ? { notesSeen } : {}) });
      const now = deps.onHeartbeat(session, milestone, status, previousBeat?.status.state !== status.state || previousBeat.runId !== runId);
      reply(res, 200, heartbeatReply(record, record?.signal ?? now, notesSeen, session.ledgers.latest ? runBudgetLeft(session.ledgers.latest, session.heartbeats, session.plans.current?.plan.budget_ceiling) : undefined));
    })().catch(() => {
      if (!res.headersSent) reply(res, 500, { error: "internal error (see the App's log)" });
    });
  };
}
