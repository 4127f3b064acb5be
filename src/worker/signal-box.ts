/**
 * Signal box: the latest pause/stop request a worker has received, from any source (reporter reply, OS signal).
 * Responsibilities: remember the strongest request (stop beats pause) and wake whoever waits on it.
 * Not here: where requests come from (worker-main, reporters).
 * Invariants: a stop is never downgraded to a pause.
 */
import type { WorkerSignal } from "../ports/reporter.js";

export interface SignalBox {
  readonly current: WorkerSignal | undefined;
  raise(signal: WorkerSignal): void;
  onRaise(listener: (signal: WorkerSignal) => void): () => void;
}

export function createSignalBox(): SignalBox {
  let current: WorkerSignal | undefined;
  const listeners = new Set<(signal: WorkerSignal) => void>();
  return {
    get current() {
      return current;
    },
    raise(signal) {
      if (current === "stop" || current === signal) return;
      current = signal;
      for (const l of listeners) l(signal);
    },
    onRaise(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
