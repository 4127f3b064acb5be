// End to end: a repository whose .weave/ was written by today's main (fixtures/main-0cd96f6) is read by this weave's
// CLI, and a state file of a newer weave is refused without being touched.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo } from "../local/local-fixtures.js";
import type { TestRepo } from "../local/local-fixtures.js";
import { mainFile } from "./contract-fixtures.js";

// The plan today's main ran when it wrote the fixtures.
const PLAN = `version: 1
worker:
  command: node agent.mjs
merge:
  via: direct
  auto: confirm
milestones:
  - id: api
    tasks: [write the api, test it]
    files: [out/**]
  - id: ui
    depends_on: [api]
    tasks: [draw the ui]
`;

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

async function withTodaysFiles(): Promise<TestRepo> {
  const r = await createTestRepo(PLAN);
  await mkdir(join(r.dir, ".weave/run"), { recursive: true });
  await writeFile(join(r.dir, ".weave/state.json"), mainFile("state.json"));
  await writeFile(join(r.dir, ".weave/run/ui.status.json"), mainFile("status.json"));
  return r;
}

describe("files today's main wrote", () => {
  it("`weave status` reads them", async () => {
    repo = await withTodaysFiles();
    const { code, stdout, stderr } = await repo.weave(["status", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const status = JSON.parse(stdout) as { run: string; milestones: { id: string; state: string; costUsd: number }[] };
    expect(status.run).toBe("c815f9cd04df");
    expect(status.milestones.map((m) => [m.id, m.state, m.costUsd])).toEqual([["api", "merged", 0.5], ["ui", "finished", 0.25]]);
  });

  it("`weave start` refuses a newer weave's state, says to upgrade, and leaves the file as it was", async () => {
    repo = await withTodaysFiles();
    const newer = mainFile("state.json").replace('"version": 1', '"version": 2');
    await writeFile(join(repo.dir, ".weave/state.json"), newer);
    const { code, stderr } = await repo.weave(["start"]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(".weave/state.json is a weave run state of version 2; this weave reads versions up to 1");
    expect(stderr).toMatch(/hint: .*upgrade weave/);
    expect(await readFile(join(repo.dir, ".weave/state.json"), "utf8")).toBe(newer);
  });

  it("`weave status` names the file and the field of a state it cannot read", async () => {
    repo = await withTodaysFiles();
    await writeFile(join(repo.dir, ".weave/state.json"), mainFile("state.json").replace('"state": "merged"', '"state": "flying"'));
    const { code, stderr } = await repo.weave(["status"]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(".weave/state.json is not a weave run state weave can read: milestones.api.state:");
    expect(stderr).toMatch(/hint: move the file away/);
  });
});
