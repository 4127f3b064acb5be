import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WORKER_JOB_VERSION, workerJob, workerJobContract } from "../../src/core/contracts/worker-job.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import { errorOf, mainFile, mainJson } from "./contract-fixtures.js";

const PLAN = `version: 1
budget_ceiling: 5
heartbeat_timeout: 2m
worker:
  command: node agent.mjs
  heartbeat_interval: 5s
  stop_grace: 1m30s
merge: { via: direct, auto: auto }
milestones:
  - { id: api, tasks: [one, two], files: ["src/**"], estimate: 1h30m }
  - { id: ui, depends_on: [api], tasks: [three], overlap: serialize }
`;

describe("worker job contract (.weave/run/<ID>.job.json)", () => {
  it("reads the job today's main wrote — the bare plan, version 1 — as version 2 holding that plan", () => {
    const job = workerJobContract.parseText(mainFile("job.json"), "api.job.json");
    expect(job.version).toBe(WORKER_JOB_VERSION);
    expect(job.plan).toEqual(mainJson("job.json"));
  });

  it("hands the worker the very plan the coordinator parsed (defaults applied, durations in seconds)", () => {
    const plan = parsePlan(PLAN, ".github/weave.yml");
    expect(workerJobContract.parse(JSON.parse(JSON.stringify(workerJob(plan))), "job.json")).toEqual(workerJob(plan));
  });

  it.each(readdirSync(join(import.meta.dirname, "../../examples")).filter((n) => n.endsWith(".yml") && !n.includes("invalid")))("round-trips the example plan %s", (name) => {
    const plan = parsePlan(readFileSync(join(import.meta.dirname, "../../examples", name), "utf8"), name);
    expect(workerJobContract.parse(JSON.parse(JSON.stringify(workerJob(plan))), "job.json").plan).toEqual(plan);
  });

  it("refuses a newer version", () => {
    const e = errorOf(() => workerJobContract.parse({ version: 3, plan: mainJson("job.json") }, "job.json"));
    expect(e.code).toBe("contract-newer");
    expect(e.hint).toMatch(/upgrade weave/);
  });

  it.each([
    ["a plan without milestones", { ...mainJson("job.json"), milestones: [] }, "plan.milestones: "],
    ["a plan with a key the plan file may not have", { ...mainJson("job.json"), surprise: true }, "plan: "],
    ["a plan with a bad retry count", { ...mainJson("job.json"), retries: 99 }, "plan.retries: "],
    ["a plan without its file", (() => { const p = mainJson("job.json"); delete p.file; return p; })(), "plan.file: "],
  ])("refuses %s, naming the field", (_name, plan, problem) => {
    const e = errorOf(() => workerJobContract.parse(plan, "job.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toContain(`job.json is not a weave worker job weave can read: ${problem}`);
  });

  it("refuses a job with no version at all (never written by weave)", () => {
    expect(errorOf(() => workerJobContract.parse({ plan: mainJson("job.json") }, "job.json")).message).toMatch(/can read: version: 0 is older/);
  });
});
