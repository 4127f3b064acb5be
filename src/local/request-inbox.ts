/**
 * The local coordinator's request inbox (`.weave/requests/*.json`): what `weave stop|pause|resume|merge` asked while
 * it runs, taken once each, in name order.
 * Responsibilities: read every request through its contract; refuse a torn, foreign or newer one out loud — a line
 * in the live view and in the run's event log (`request-refused`), with the contract error's code and hint (a newer
 * weave's says to upgrade) — and remove every file taken, so none is read twice.
 * Not here: writing requests (cli/commands/control.ts), their shape (core/contracts/control-request.ts), applying
 * them (local/run-actions.ts `applyRequest`).
 * Invariants: a request the contract refuses is never applied and never dropped in silence; a taken file is gone.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { controlRequestContract } from "../core/contracts/control-request.js";
import type { ControlRequest } from "../core/contracts/control-request.js";
import { isWeaveError, WeaveError } from "../core/errors.js";
import type { RunContext } from "./run-context.js";

/** The run's event kind of a refused request. */
export const REQUEST_REFUSED = "request-refused";

/** Takes every request waiting; each refused one is logged in the run and said through `refused` (the live view). */
export async function takeRequests(ctx: Pick<RunContext, "paths" | "log">, refused: (line: string) => void): Promise<ControlRequest[]> {
  const names = (await readdir(ctx.paths.requests).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).sort();
  const requests: ControlRequest[] = [];
  for (const name of names) {
    const path = join(ctx.paths.requests, name);
    const shown = `.weave/requests/${name}`;
    try {
      requests.push(controlRequestContract.parseText(await readFile(path, "utf8"), shown));
    } catch (e) {
      const error = isWeaveError(e) ? e : new WeaveError("io-failed", `cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? "unknown error"}`, { cause: e, hint: "run the `weave` command again" });
      const line = describeRefusal(error);
      ctx.log(REQUEST_REFUSED, undefined, line);
      refused(line);
    }
    await rm(path, { force: true, recursive: true });
  }
  return requests;
}

/** `refused request: <what is wrong> [code] — <what to do>`. */
export function describeRefusal(error: WeaveError): string {
  return `refused request: ${error.message} [${error.code}]${error.hint ? ` — ${error.hint}` : ""}`;
}
