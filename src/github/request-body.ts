/**
 * Request bodies, bounded: the App server reads every request's body through here before anything parses it.
 * Responsibilities: refuse a body past its route's byte cap (413, from Content-Length before reading a byte, or as it
 * streams) or too slow (408); keep the text on the request so probot verifies the signature on this bounded copy.
 * Not here: what a route does with its body (heartbeat-endpoint.ts, probot's middleware); which cap a route gets (server.ts).
 * Invariants: at most `maxBytes` buffered per request (a refused body's rest is dropped as it comes); read once per request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface BodyLimits {
  maxBytes: number;
  /** The whole body must have arrived this many milliseconds after the handler first asked for it. */
  timeoutMs: number;
}

export type BodyResult = { ok: true; text: string } | { ok: false; status: 408 | 413; error: string };

/** GitHub caps webhook payloads at 25 MB (it does not deliver larger ones). */
export const WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;
/** A heartbeat is a small status object; 256 KB leaves room for any plan's task list. */
export const HEARTBEAT_MAX_BYTES = 256 * 1024;
/** Every body must have arrived this long after its request began (GitHub waits 10 s for an answer). */
export const BODY_TIMEOUT_MS = 10_000;

const read = new WeakMap<IncomingMessage, Promise<BodyResult>>();
const decoder = new TextDecoder("utf-8", { fatal: false });

export function readBoundedBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  let pending = read.get(req);
  if (!pending) {
    pending = readOnce(req, limits);
    read.set(req, pending);
  }
  return pending;
}

function readOnce(req: IncomingMessage, { maxBytes, timeoutMs }: BodyLimits): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, status: 413, error: `request body larger than ${maxBytes} bytes` };
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) return finish(tooLarge);
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, text: decoder.decode(Buffer.concat(chunks)) });
    // A client that went away mid-body reads no answer; the refusal only ends the handler.
    const onError = (): void => finish({ ok: false, status: 408, error: "request body was cut off" });
    const timer = setTimeout(() => finish({ ok: false, status: 408, error: `request body did not arrive within ${timeoutMs} ms` }), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/**
 * Answers a refused body, then closes the connection after a short linger: what the client still sends meanwhile is
 * dropped unbuffered, so it reads this answer instead of a reset (closing at once would discard it on the client).
 */
export function refuseBody(res: ServerResponse, refusal: Extract<BodyResult, { ok: false }>, lingerMs = 2_000): void {
  const socket = res.req.socket;
  res.once("finish", () => setTimeout(() => socket.destroy(), lingerMs).unref());
  res.writeHead(refusal.status, { "content-type": "application/json" }).end(JSON.stringify({ error: refusal.error }));
}
