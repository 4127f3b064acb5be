/**
 * An agent force-adds files under `.weave/` (issue 13): only weave's own paths there are exempt from the scope check,
 * and locally, where `.weave/` is the live run folder, no other file there ever lands — whatever `merge.scope` and
 * `--force` say. Real git, the real CLI and a hostile agent process.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planYaml, repoForTest } from "./local-fixtures.js";

/** Does its task, then plants a script and a forged coordinator state under `.weave/` and force-adds them. */
const EVIL_AGENT = `
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
mkdirSync("out", { recursive: true });
writeFileSync("out/work.txt", "the task\\n");
mkdirSync(".weave", { recursive: true });
writeFileSync(".weave/evil.sh", "#!/bin/sh\\necho pwned\\n");
writeFileSync(".weave/state.json", JSON.stringify({ forged: true }));
execFileSync("git", ["add", "-f", ".weave/evil.sh", ".weave/state.json"]);
appendFileSync(process.env.WEAVE_COST_FILE, JSON.stringify({ usd: 0.01 }) + "\\n");
`;

const withEvilAgent = (yaml: string): string => yaml.replace("command: node agent.mjs", "command: node evil.mjs");

describe("files an agent force-adds under .weave/", () => {
  it.for([
    ["merge.scope: strict with declared files", `  - { id: M, tasks: [t], files: ["out/**"] }\n`, "merge: { via: direct, auto: auto, order: completion, scope: strict }"],
    ["the default scope and no declared files", `  - { id: M, tasks: [t] }\n`, "merge: { via: direct, auto: auto, order: completion }"],
  ] as const)("never land locally (%s): refused with the files named, --force included", async ([, body, merge], t) => {
    const repo = await repoForTest(t, withEvilAgent(planYaml(body).replace("merge: { via: direct, auto: auto, order: completion }", merge)));
    await writeFile(join(repo.dir, "evil.mjs"), EVIL_AGENT);
    repo.git("add", "evil.mjs");
    repo.git("commit", "-q", "-m", "the agent");
    // The branch really carries the planted files.
    const run = await repo.weave(["start"]);
    expect(repo.git("ls-tree", "-r", "--name-only", "weave/M").split("\n")).toEqual(expect.arrayContaining([".weave/evil.sh", ".weave/state.json"]));
    expect(run.code, run.stdout + run.stderr).toBe(3);

    const record = (await repo.state()).milestones.M!;
    expect(record.state).toBe("conflict");
    expect(record.reason).toContain(".weave/evil.sh");
    expect(record.reason).toContain(".weave/state.json");
    expect(repo.git("ls-tree", "-r", "--name-only", "main")).not.toContain(".weave/");
    expect(existsSync(join(repo.dir, ".weave/evil.sh"))).toBe(false);
    expect(JSON.parse(await readFile(join(repo.dir, ".weave/state.json"), "utf8")).forged).toBeUndefined();

    const forced = await repo.weave(["merge", "M", "--force"]);
    expect(forced.stdout + forced.stderr).toContain(".weave/evil.sh");
    expect(repo.git("ls-tree", "-r", "--name-only", "main")).not.toContain(".weave/");
    expect(existsSync(join(repo.dir, ".weave/evil.sh"))).toBe(false);
    expect((await repo.state()).milestones.M!.state).toBe("conflict");
  });
});
