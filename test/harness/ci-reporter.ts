/**
 * CI reporter for tests: a second App ("ci") that reports check runs through the stand-in's own REST routes, the
 * way a CI system does, so required checks pass or fail honestly and every `check_run` webhook fires.
 * Responsibilities: create the App and one installation per owner on first use, then create (in_progress) and
 * complete check runs over HTTP with an installation token. Not here: check run rules (routes/checks.ts).
 */
import type { AppHandle, InstallationHandle, Seeding } from "./seeding.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface CiReporter {
  /** Starts check run `name` (default "ci") on `sha` as in_progress, as CI does when a job starts; returns its id. */
  start(fullName: string, sha: string, name?: string): Promise<number>;
  /** Completes the run `name` started on `sha` (or creates a completed one) with `conclusion`; returns its id. */
  report(fullName: string, sha: string, name: string, conclusion: CheckConclusion): Promise<number>;
  /** The CI App (made on first use; slug "ci", checks: write). */
  app(): AppHandle;
}

export function createCiReporter(seeding: Seeding, baseUrl: () => string): CiReporter {
  let app: AppHandle | undefined;
  const installations = new Map<string, InstallationHandle>();
  const started = new Map<string, number>();
  const ciApp = (): AppHandle => (app ??= seeding.apps.create({ slug: "ci", name: "CI", permissions: { metadata: "read", checks: "write" } }));

  const call = async (fullName: string, method: string, path: string, body: Record<string, unknown>): Promise<{ id: number }> => {
    const owner = fullName.split("/")[0] ?? "";
    let installation = installations.get(owner.toLowerCase());
    if (installation === undefined) {
      installation = ciApp().install(owner);
      installations.set(owner.toLowerCase(), installation);
    }
    const response = await fetch(`${baseUrl()}/repos/${fullName}${path}`, {
      method, body: JSON.stringify(body),
      headers: { authorization: `token ${installation.token()}`, "user-agent": "weave-stand-in-ci", accept: "application/vnd.github+json", "content-type": "application/json" },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`CI reporter: ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as { id: number };
  };

  return {
    app: ciApp,
    async start(fullName, sha, name = "ci") {
      const run = await call(fullName, "POST", "/check-runs", { name, head_sha: sha, status: "in_progress" });
      started.set(`${fullName}:${sha}:${name}`.toLowerCase(), run.id);
      return run.id;
    },
    async report(fullName, sha, name, conclusion) {
      const key = `${fullName}:${sha}:${name}`.toLowerCase();
      const id = started.get(key);
      started.delete(key);
      const body = { status: "completed", conclusion, output: { title: `${name}: ${conclusion}`, summary: `Reported by the stand-in's CI App.` } };
      if (id !== undefined) return (await call(fullName, "PATCH", `/check-runs/${id}`, body)).id;
      return (await call(fullName, "POST", "/check-runs", { name, head_sha: sha, ...body })).id;
    },
  };
}
