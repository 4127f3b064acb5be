/**
 * Ledger reporter: the worker's heartbeat when the coordinator runs inside Actions and has no endpoint (empty
 * `app-url`). Nothing answers a heartbeat there, so the worker asks the ledger itself: at each heartbeat (at most
 * once per `ledgerEveryMs`) it re-reads `refs/weave/state` for its own record's pause/stop and `/weave tell` notes
 * and the run's remaining budget, and (at most once per `progressEveryMs`, the GITHUB_TOKEN rate budget) writes its
 * progress, cost and liveness on its own check run for people and for the coordinator's next pass — with the ids of
 * the notes it took, which the coordinator then drops from the ledger (as the App does with a heartbeat's).
 * Responsibilities: the mirror of action/https-reporter.ts for this mode — the latest signal as the report's answer,
 * the notes for the worker loop's `takeNotes` (each given once, however often the ledger still holds it), the run's
 * remaining budget bounded by the job's allowance for the worker loop's `runBudgetLeftUsd`; reads and writes in the background (the latest
 * status wins while one is in flight), except the first read, which is awaited so the first task already knows the
 * budget; final reports write nothing (the post step's dispatch of the coordinator carries them).
 * Not here: the ledger's fields (action/ledger-view.ts), the git read (action/ledger-fetch.ts), the check run's text
 * (action/worker-check-run.ts), what the coordinator believes (actions-home/coordinate-liveness.ts).
 * Invariants: never throws and never fails the job for a transport problem; a signal is taken only from the record
 * of this job's dispatch; the ledger is read, never written; the token is never logged.
 */
import type { Reporter, WorkerSignal, WorkerStatus } from "../ports/reporter.js";
import { FINAL_STATES } from "./https-reporter.js";
import { createNoteInbox } from "./note-inbox.js";
import type { LedgerView } from "./ledger-view.js";
import { ledgerBudgetLeft, readLedgerView, workerBudgetLeft } from "./ledger-view.js";

export interface LedgerReporterOptions {
  milestone: string;
  dispatchId: string;
  /** The plan's `budget_ceiling` (USD across the run). */
  ceilingUsd?: number;
  /** This job's allowance: the most the milestone may have spent when it stops (the `allowance-usd` input). */
  allowanceUsd?: number;
  /** The ledger's `state.json`, parsed but unchecked; undefined when it could not be read. */
  readLedger(): Promise<unknown>;
  /** Writes `status` (and the ids of the notes taken so far) on check run `checkRunId`; a thrown error is logged once, the worker goes on. */
  publishProgress(checkRunId: number, status: WorkerStatus, notesSeen: readonly string[]): Promise<void>;
  ledgerEveryMs: number;
  progressEveryMs: number;
  log(message: string): void;
  nowMs?: () => number;
}

export interface LedgerReporter extends Reporter {
  /**
   * What this worker may still spend apart from its task in flight: the run's remaining budget by the ledger, and
   * its own allowance (undefined: no ceiling and no allowance, or no ledger read yet and no allowance).
   */
  runBudgetLeftUsd(settledUsd: number): number | undefined;
  /** The last ledger read that parsed (tests, the log). */
  view(): LedgerView | undefined;
  /**
   * The `/weave tell` notes read from the ledger and not taken yet, oldest first, one per line (undefined: none);
   * a taken note is never given again.
   */
  takeNotes(): string | undefined;
  /** Ids of the notes taken so far (the latest NOTES_SEEN_SENT), acknowledged on the check run and in the final report. */
  notesSeen(): string[];
  /** Check-run updates made. */
  published: number;
}

export function createLedgerReporter(options: LedgerReporterOptions): LedgerReporter {
  const now = options.nowMs ?? Date.now;
  let view: LedgerView | undefined;
  let signal: WorkerSignal | undefined;
  let lastRead = Number.NEGATIVE_INFINITY;
  let lastPublished = Number.NEGATIVE_INFINITY;
  let lastPublishedKey = "";
  let inFlight: Promise<void> | undefined;
  let pending: WorkerStatus | undefined;
  const notes = createNoteInbox();
  const warned = new Set<string>();
  const warnOnce = (what: string, message: string): void => {
    if (warned.has(what)) return;
    warned.add(what);
    options.log(message);
  };

  const readNow = async (): Promise<void> => {
    lastRead = now();
    const next = readLedgerView(await options.readLedger(), options.milestone, options.dispatchId);
    if (!next) return warnOnce("read", "weave: cannot read the run ledger (refs/weave/state); the milestone keeps running and tries again at the next heartbeat");
    view = next;
    if (view.ours && view.signal) signal = signal === "stop" ? "stop" : view.signal;
    notes.receive(view.notes ?? []);
    if (!view.ours) warnOnce("ours", `weave: the ledger's record of ${options.milestone} is not of this job's dispatch; its signals and check run are not this job's`);
  };

  const cycle = async (status: WorkerStatus): Promise<void> => {
    if (now() - lastRead >= options.ledgerEveryMs) await readNow();
    const id = view?.checkRunId;
    // A changed state or task is written at the next heartbeat (a few per task); the cost alone waits for the rate budget.
    // A note just taken is acknowledged at the next heartbeat too, so the coordinator's next pass drops it.
    const key = `${status.state}/${status.tasksDone}/${status.currentTask ?? ""}/${notes.takenCount}`;
    if (id !== undefined && (now() - lastPublished >= options.progressEveryMs || (key !== lastPublishedKey && now() - lastPublished >= options.ledgerEveryMs))) {
      lastPublished = now();
      lastPublishedKey = key;
      try {
        await options.publishProgress(id, status, reporter.notesSeen());
        reporter.published += 1;
      } catch (e) {
        warnOnce("publish", `weave: cannot update this milestone's check run (${(e as Error).message}); the milestone keeps running`);
      }
    }
  };

  const reporter: LedgerReporter = {
    published: 0,
    async report(status) {
      if (FINAL_STATES.has(status.state)) {
        pending = undefined;
        await inFlight;
        return signal;
      }
      pending = status;
      const firstRead = lastRead === Number.NEGATIVE_INFINITY;
      inFlight ??= (async () => {
        while (pending) {
          const next = pending;
          pending = undefined;
          await cycle(next).catch(() => undefined);
        }
      })().finally(() => (inFlight = undefined));
      // The first report waits for the first read: the first task must already know the run's budget and signals.
      if (firstRead) await inFlight;
      return signal;
    },
    runBudgetLeftUsd: (settledUsd) => workerBudgetLeft(ledgerBudgetLeft(view, options.ceilingUsd, settledUsd), options.allowanceUsd, settledUsd),
    view: () => view,
    takeNotes: () => notes.take(),
    notesSeen: () => notes.seen(),
  };
  return reporter;
}
