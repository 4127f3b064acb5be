/**
 * Heartbeat route: the wire contract between the worker Action and the App — the path a job POSTs its status to.
 * Responsibilities: name the path once, so the sender (action/https-reporter.ts) and the receiver (github/server.ts,
 * github/app-entry.ts) agree without one home importing the other.
 * Not here: the body's schema (core/heartbeat-claim.ts), sending (action/), receiving (github/heartbeat-endpoint.ts).
 * Invariants: a constant; changing it breaks every deployed Action against a newer App, so it never changes quietly.
 */

export const HEARTBEAT_PATH = "/weave/heartbeat";
