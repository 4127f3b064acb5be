/**
 * The request inbox of a running coordinator: a torn and a newer weave's request file are refused out loud — a line
 * in the live view and a `request-refused` event in the run's log, with the contract error's code and hint — and
 * removed; a good request written after them is applied. Real files, a real `weave start`.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, planYaml, repoForTest, waitFor } from "./local-fixtures.js";

describe("the coordinator's request inbox", () => {
  it("refuses a torn and a newer request with code and hint, removes them, and applies a good one", async (t) => {
    const repo = await repoForTest(t, planYaml(`  - { id: m, tasks: [one], files: ["out/m-*"] }\n`));
    const log = join(repo.dir, ".weave/agent.log");
    // The task waits on a gate nobody opens: the milestone is running until the good request stops it.
    const env = { AGENT_GATE: `${repo.dir}.gate`, AGENT_LOG: log };
    const run = collect(repo.spawnWeave(["start"], env));
    await waitFor(async () => ((await readFile(log, "utf8").catch(() => "")).includes("m:1") ? true : undefined), 30_000, "the task to start");

    const inbox = join(repo.dir, ".weave/requests");
    await mkdir(inbox, { recursive: true });
    // Dropped in whole, as `weave stop` writes them (temp file, rename): the coordinator must not read one half-written.
    const drop = async (name: string, text: string): Promise<void> => {
      await writeFile(join(inbox, `${name}.tmp`), text);
      await rename(join(inbox, `${name}.tmp`), join(inbox, name));
    };
    await drop("1-torn.json", '{"version": 1, "verb": "st');
    await drop("2-newer.json", JSON.stringify({ version: 9, verb: "stop", ids: ["m"] }));
    await waitFor(async () => (/2-newer\.json/.test(run.output()) ? true : undefined), 30_000, "both refusals in the live view");
    const output = run.output();
    expect(output).toMatch(/refused request: \.weave\/requests\/1-torn\.json is not a weave control request weave can read: not JSON.*\[contract-invalid\] — it is dropped; run the `weave` command again/);
    expect(output).toMatch(/refused request: \.weave\/requests\/2-newer\.json is a weave control request of version 9; this weave reads versions up to 1 \[contract-newer\] — a newer weave wrote it: .*upgrade weave/);
    expect(existsSync(join(inbox, "1-torn.json"))).toBe(false);
    expect(existsSync(join(inbox, "2-newer.json"))).toBe(false);
    // Refused, so not applied: the newer file asked to stop m, and m still runs.
    expect((await repo.state()).milestones.m!.state).toBe("running");

    await drop("3-good.json", JSON.stringify({ version: 1, verb: "stop", ids: ["m"] }));
    await waitFor(async () => ((await repo.state()).milestones.m!.state === "stopped" ? true : undefined), 30_000, "the good request to stop m");
    await run.done;
    const state = await repo.state();
    const refusals = state.events.filter((e) => e.kind === "request-refused").map((e) => e.detail ?? "");
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatch(/1-torn\.json .*\[contract-invalid\]/);
    expect(refusals[1]).toMatch(/2-newer\.json .*\[contract-newer\] — a newer weave wrote it/);
    expect(existsSync(join(inbox, "3-good.json"))).toBe(false);
  });
});
