import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readStatusFile, writeStatusFile as writeActionStatusFile } from "../../src/action/status-file.js";
import { stampWorkerStatus, WORKER_STATUS_VERSION, workerStatusContract } from "../../src/core/contracts/worker-status.js";
import { ensureDir } from "../../src/local/atomic-json.js";
import { readWorkerStatus, writeStatusFile } from "../../src/local/file-reporter.js";
import { weavePaths } from "../../src/local/weave-paths.js";
import type { WeavePaths } from "../../src/local/weave-paths.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import { errorOf, mainFile, mainJson } from "./contract-fixtures.js";

const running: WorkerStatus = {
  milestone: "api", runId: "r1", state: "running", tasksDone: 1, tasks: 2, currentTask: 2, currentTaskText: "test it", costUsd: 0.5, costUnknown: true,
  pid: 10, taskPid: 11, startedAt: "2026-12-02T07:59:00Z", updatedAt: "2026-12-02T07:59:30Z", headSha: "a".repeat(40),
  verify: { state: "failed", attempt: 1, durationMs: 20, exitCode: 1 }, error: "verify failed", lastOutput: ["line"],
};

describe("worker status contract", () => {
  it("reads the unversioned status file today's main wrote (migration 0 → 1)", () => {
    expect(workerStatusContract.parseText(mainFile("status.json"), "ui.status.json")).toEqual({ ...mainJson("status.json"), version: WORKER_STATUS_VERSION });
  });

  it("reads what a writer stamps, every field kept", () => {
    expect(workerStatusContract.parse(JSON.parse(JSON.stringify(stampWorkerStatus(running))), "s")).toEqual({ ...running, version: WORKER_STATUS_VERSION });
  });

  it("stamps the current version even over a stale one", () => {
    expect(stampWorkerStatus({ ...running, version: 0 } as WorkerStatus).version).toBe(WORKER_STATUS_VERSION);
  });

  it("refuses a newer version", () => {
    expect(errorOf(() => workerStatusContract.parse({ ...running, version: 2 }, "s")).code).toBe("contract-newer");
  });

  it.each([
    ["an unknown state", { state: "dancing" }, "state: "],
    ["a cost that is text", { costUsd: "0.5" }, "costUsd: "],
    ["no pid", { pid: undefined }, "pid: "],
    ["output that is not lines", { lastOutput: "one line" }, "lastOutput: "],
  ])("refuses %s, naming the field", (_name, patch, problem) => {
    const e = errorOf(() => workerStatusContract.parse({ ...mainJson("status.json"), ...patch }, "ui.status.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toContain(`ui.status.json is not a weave worker status weave can read: ${problem}`);
  });
});

describe("status files on disk", () => {
  let dir = "";
  let paths: WeavePaths;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "weave-contract-"));
    paths = weavePaths(dir);
    await ensureDir(paths.runDir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("local: reads today's main's file, writes stamped, reads back without the stamp", async () => {
    await writeFile(paths.status("ui"), mainFile("status.json"));
    expect(await readWorkerStatus(paths, "ui")).toEqual(mainJson("status.json"));
    await writeStatusFile(paths, "api", running);
    expect(JSON.parse(await readFile(paths.status("api"), "utf8"))).toMatchObject({ version: WORKER_STATUS_VERSION });
    expect(await readWorkerStatus(paths, "api")).toEqual(running);
  });

  it.each([
    ["not JSON", "{ torn"],
    ["another shape", JSON.stringify({ hello: "world" })],
    ["a newer weave's", JSON.stringify({ ...running, version: 9 })],
  ])("local: a file that is %s reads as no status, never a crash", async (_name, text) => {
    await writeFile(paths.status("api"), text);
    expect(await readWorkerStatus(paths, "api")).toBeUndefined();
  });

  it("the Action's file keeps costUnknown through the post step (its old schema dropped it)", async () => {
    const file = join(dir, "weave-api.status.json");
    await writeActionStatusFile(file, running);
    expect(await readStatusFile(file)).toEqual(running);
  });

  it.each([
    ["today's main's file", mainFile("status.json"), mainJson("status.json")],
    ["not JSON", "{ torn", null],
    ["a newer weave's", JSON.stringify({ ...running, version: 9 }), null],
    ["garbage", "[]", null],
  ])("the Action reads %s", async (_name, text, want) => {
    const file = join(dir, "weave-api.status.json");
    await writeFile(file, text);
    expect(await readStatusFile(file)).toEqual(want);
  });
});
