/**
 * Webhooks: deliveries to each subscribed App's real HTTP endpoint, signed like GitHub's (X-Hub-Signature-256).
 * Responsibilities: fan an event out to the installations covering the repository, sign and POST it with GitHub's
 * headers and a 10 s timeout, record every delivery, and inject faults on request (drop, duplicate, delay, hold and
 * release in another order, manual redelivery with the same X-GitHub-Delivery id).
 * Not here: payload contents (webhook-payloads.ts). Invariants: at most once per fault-free emit per App; never retried on its own.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { WebhookPayloads } from "./webhook-payloads.js";
import type { AppRecord, InstallationRecord, RepoRecord, World } from "./world.js";

export type DeliveryStatus = "pending" | "held" | "delivered" | "failed" | "dropped";
export interface Delivery {
  id: string; hookId: number; event: string; action: string | undefined; appId: number; installationId: number | undefined;
  payload: Record<string, unknown>; status: DeliveryStatus; responseStatus?: number; error?: string; attempts: number; fault?: string;
}
export type WebhookFault =
  | { fault: "drop"; event?: string; action?: string; times?: number }
  | { fault: "duplicate"; event?: string; action?: string; times?: number; copies?: number }
  | { fault: "delay"; event?: string; action?: string; times?: number; ms: number };

export interface EmitOptions { repo?: RepoRecord; onlyApp?: AppRecord; installation?: InstallationRecord }

export class WebhookBus {
  readonly deliveries: Delivery[] = [];
  private readonly faults: (WebhookFault & { left: number })[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly chains = new Map<number, Promise<void>>();
  private holding = false;
  private observed: { events: Set<string>; observer: (repo: RepoRecord, event: string, action: string | undefined, payload: Record<string, unknown>) => void } | undefined;

  constructor(private readonly world: World, private readonly payloads: WebhookPayloads, private readonly fetchImpl: typeof fetch = fetch) {}

  inject(fault: WebhookFault): void { this.faults.push({ ...fault, left: fault.times ?? 1 }); }

  /** Queue deliveries instead of sending them, until release(). */
  hold(): void { this.holding = true; }

  /** Sends held deliveries in the given order ("reverse", or a seeded shuffle) and stops holding. */
  release(order: "fifo" | "reverse" | { seed: number } = "fifo"): void {
    this.holding = false;
    const held = this.deliveries.filter((d) => d.status === "held");
    const ordered = order === "fifo" ? held : order === "reverse" ? held.reverse() : shuffle(held, order.seed);
    // One after another, so the receiver sees exactly this order.
    this.track(ordered.reduce<Promise<void>>((previous, delivery) => previous.then(() => this.post(delivery)), Promise.resolve()));
  }

  /** Delivers the same payload again with the same X-GitHub-Delivery id, as GitHub's "Redeliver" button does. */
  redeliver(id: string): Promise<void> {
    const delivery = this.deliveries.find((d) => d.id === id);
    if (delivery === undefined) throw new Error(`no delivery ${id}`);
    return this.track(this.post(delivery));
  }

  /** Resolves once nothing is in flight (held deliveries stay held). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Whether any App would receive `event` from `repo` (lets callers skip building costly payloads). */
  /** Sees every `events` event emitted for a repository, subscribers or not (the Actions runner starting workflows). */
  observe(events: Set<string>, observer: (repo: RepoRecord, event: string, action: string | undefined, payload: Record<string, unknown>) => void): void {
    this.observed = { events, observer };
  }

  hasSubscribers(event: string, repo: RepoRecord): boolean {
    if (this.observed?.events.has(event) === true) return true;
    return this.world.installationsCovering(repo).some(({ app }) => app.webhookUrl !== undefined && (app.events === "all" || app.events.includes(event)));
  }

  /** Fans `event` out to every App installed on `repo` (or only `onlyApp`) that subscribes to it. */
  emit(event: string, action: string | undefined, build: (installation: InstallationRecord) => Record<string, unknown>, options: EmitOptions = {}): void {
    // An event for the github-actions App alone (a button on a check run a GITHUB_TOKEN made) reaches its workflows.
    const forWorkflows = options.onlyApp === undefined || options.onlyApp.slug === "github-actions";
    if (options.repo !== undefined && forWorkflows && this.observed?.events.has(event) === true) this.observed.observer(options.repo, event, action, build(undefined as never));
    const targets = options.installation !== undefined ? [options.installation]
      : options.repo !== undefined ? this.world.installationsCovering(options.repo) : [];
    for (const installation of targets) {
      const app = installation.app;
      if (options.onlyApp !== undefined && options.onlyApp.id !== app.id) continue;
      if (app.webhookUrl === undefined || (app.events !== "all" && !app.events.includes(event) && event !== "installation")) continue;
      const payload = this.payloads.finish(event, action, build(installation), installation);
      this.enqueue({ id: randomUUID(), hookId: app.id + 7_000_000, event, action, appId: app.id, installationId: installation.id, payload, status: "pending", attempts: 0 });
    }
  }

  private enqueue(delivery: Delivery): void {
    const fault = this.takeFault(delivery);
    if (fault?.fault === "drop") { this.deliveries.push({ ...delivery, status: "dropped", fault: "drop" }); return; }
    const copies = fault?.fault === "duplicate" ? 1 + (fault.copies ?? 1) : 1;
    for (let i = 0; i < copies; i++) {
      const record: Delivery = { ...delivery, ...(fault === undefined ? {} : { fault: fault.fault }) };
      this.deliveries.push(record);
      if (this.holding) { record.status = "held"; continue; }
      if (fault?.fault === "delay") { this.track(sleep(fault.ms).then(() => this.post(record))); continue; }
      // In emission order per App (GitHub promises no order; tests want a deterministic default, faults break it).
      const chained = (this.chains.get(record.appId) ?? Promise.resolve()).then(() => this.post(record));
      this.chains.set(record.appId, chained);
      this.track(chained);
    }
  }

  private takeFault(delivery: Delivery): WebhookFault | undefined {
    const fault = this.faults.find((f) => f.left > 0 && (f.event === undefined || f.event === delivery.event) && (f.action === undefined || f.action === delivery.action));
    if (fault !== undefined) fault.left -= 1;
    return fault;
  }

  private track(promise: Promise<void>): Promise<void> {
    const tracked = promise.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  private async post(delivery: Delivery): Promise<void> {
    const app = this.world.apps.get(delivery.appId);
    if (app?.webhookUrl === undefined) return;
    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      "content-type": "application/json", "user-agent": "GitHub-Hookshot/weave-stand-in", "x-github-event": delivery.event, "x-github-delivery": delivery.id,
      "x-github-hook-id": String(delivery.hookId), "x-github-hook-installation-target-id": String(app.id), "x-github-hook-installation-target-type": "integration",
    };
    if (app.webhookSecret !== undefined) {
      headers["x-hub-signature"] = `sha1=${createHmac("sha1", app.webhookSecret).update(body).digest("hex")}`;
      headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", app.webhookSecret).update(body).digest("hex")}`;
    }
    delivery.attempts += 1;
    try {
      const response = await this.fetchImpl(app.webhookUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      delivery.responseStatus = response.status;
      delivery.status = response.ok ? "delivered" : "failed";
    } catch (error) {
      delivery.status = "failed";
      delivery.error = String(error);
    }
  }
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function sleep(ms: number): Promise<void> { return new Promise((resolve) => setTimeout(resolve, ms)); }

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
