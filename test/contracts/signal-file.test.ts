import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SIGNAL_FILE_VERSION, signalFile, signalFileContract } from "../../src/core/contracts/signal-file.js";
import { ensureDir } from "../../src/local/atomic-json.js";
import { createFileReporter, readSignal, sendSignal } from "../../src/local/file-reporter.js";
import { weavePaths } from "../../src/local/weave-paths.js";
import type { WorkerStatus } from "../../src/ports/reporter.js";
import { errorOf, mainFile, mainJson } from "./contract-fixtures.js";

describe("signal file contract", () => {
  it("reads the unversioned signal today's main wrote (migration 0 → 1)", () => {
    expect(signalFileContract.parseText(mainFile("signal.json"), "ui.signal.json")).toEqual({ ...mainJson("signal.json"), version: SIGNAL_FILE_VERSION });
  });

  it("reads what the writer makes", () => {
    const s = signalFile("stop", new Date("2026-12-02T08:00:00Z"), "budget reached");
    expect(signalFileContract.parse(s, "s")).toEqual({ version: 1, signal: "stop", at: "2026-12-02T08:00:00.000Z", reason: "budget reached" });
  });

  it("refuses a newer version", () => {
    expect(errorOf(() => signalFileContract.parse({ ...mainJson("signal.json"), version: 2 }, "s")).code).toBe("contract-newer");
  });

  it.each([
    ["an unknown signal", { signal: "explode" }, "signal: "],
    ["no time", { at: undefined }, "at: "],
  ])("refuses %s, naming the field", (_name, patch, problem) => {
    expect(errorOf(() => signalFileContract.parse({ ...mainJson("signal.json"), ...patch }, "s")).message).toContain(`can read: ${problem}`);
  });

  it("on disk: a worker hears a stamped signal and today's, and nothing from garbage", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-contract-"));
    try {
      const paths = weavePaths(dir);
      await ensureDir(paths.runDir);
      const status = { milestone: "ui", runId: "r", state: "running", tasksDone: 0, tasks: 1, costUsd: 0, pid: 1, startedAt: "t", updatedAt: "t" } satisfies WorkerStatus;
      const reporter = createFileReporter(paths, "ui");
      await sendSignal(paths, "ui", "stop", "stop requested");
      expect(JSON.parse(await readFile(paths.signal("ui"), "utf8"))).toMatchObject({ version: SIGNAL_FILE_VERSION, signal: "stop" });
      expect(await reporter.report(status)).toBe("stop");
      await writeFile(paths.signal("ui"), mainFile("signal.json"));
      expect(await reporter.report(status)).toBe("pause");
      for (const garbage of ["{", "[]", JSON.stringify({ signal: "stop" }), JSON.stringify({ ...mainJson("signal.json"), version: 5 })]) {
        await writeFile(paths.signal("ui"), garbage);
        expect(await readSignal(paths, "ui")).toBeUndefined();
        expect(await reporter.report(status)).toBeUndefined();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
