// A coordinator pass without the ledger key (the repository secret WEAVE_LEDGER_KEY that `weave init` says to
// create) refuses to run: the coordinator job fails with a WeaveError whose hint says what to create and how, the
// same advice `weave init` prints, and it wrote nothing — no ledger ref, no claim, no dispatch, no comment, not one
// REST call with the job's token. A key shorter than the MAC needs is refused the same way.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCoordinatePass } from "../../src/actions-home/coordinate.js";
import { LEDGER_SECRET_MIN_LENGTH } from "../../src/core/ledger-mac.js";
import { WeaveError } from "../../src/core/errors.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import { COORDINATOR, createCoordinatorWorld, o, WORKER } from "./coordinator-fixtures.js";
import type { CoordinatorWorld } from "./coordinator-fixtures.js";

const BIN = join(resolve(import.meta.dirname, "../.."), "bin/weave.js");
const PLAN = `version: 1
merge: { via: direct, auto: auto }
worker:
  command: node agent.mjs
milestones:
  - { id: data, title: Data layer, tasks: [model] }
`;
/** What the hint must tell the user to do: which secret, where to create it, and a value that is long enough. */
const ADVICE = ["WEAVE_LEDGER_KEY", "Settings → Secrets and variables → Actions", "openssl rand -hex 32"];

let world: CoordinatorWorld | undefined;
let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await world?.gh.close();
  await gh?.close();
  world = undefined;
  gh = undefined;
});

describe("a coordinator pass without WEAVE_LEDGER_KEY", () => {
  it("fails its job on `/weave start` with the error and the hint, and writes nothing: no ledger ref, no claim, no dispatch, no comment", async () => {
    world = await createCoordinatorWorld({ plan: PLAN, agent: {}, withoutLedgerKey: true });
    await world.alice.issues.createComment({ ...o, issue_number: world.issue, body: "/weave start" });
    await world.gh.settled();

    const runs = [...world.gh.runner.runs.values()];
    expect(runs.map((r) => [r.workflowPath, r.event, r.conclusion])).toEqual([[COORDINATOR, "issue_comment", "failure"]]);
    const log = runs[0]!.jobs.map((j) => j.log).join("\n");
    expect(log).toContain("error: WEAVE_LEDGER_KEY is not set: the run ledger's MAC needs it");
    const hint = /hint: (.*)/.exec(log)?.[1] ?? "";
    for (const words of ADVICE) expect(hint).toContain(words);

    // Nothing was written: no ledger, no weave/<ID> claim, no worker run, no comment besides alice's.
    await expect(world.alice.git.getRef({ ...o, ref: "weave/state" })).rejects.toMatchObject({ status: 404 });
    expect((await world.alice.git.listMatchingRefs({ ...o, ref: "heads/weave/" })).data).toEqual([]);
    expect(runs.filter((r) => r.workflowPath === WORKER)).toEqual([]);
    const { data: comments } = await world.alice.issues.listComments({ ...o, issue_number: world.issue });
    expect(comments.map((c) => c.user?.login)).toEqual(["alice"]);
    // Not one REST call with the job's GITHUB_TOKEN: it refused before building a client.
    expect(world.gh.callCounts("actions:acme/widgets")).toEqual({});
    expect(world.gh.callCounts()["actions/create-workflow-dispatch"]).toBeUndefined();
    expect(world.gh.takeViolations()).toEqual([]);
  }, 120_000);

  it.each([
    ["absent", undefined, "WEAVE_LEDGER_KEY is not set: the run ledger's MAC needs it"],
    ["empty (an unset secret)", "", "WEAVE_LEDGER_KEY is not set: the run ledger's MAC needs it"],
    ["too short", "x".repeat(LEDGER_SECRET_MIN_LENGTH - 1), `WEAVE_LEDGER_KEY is too short (${LEDGER_SECRET_MIN_LENGTH - 1} characters; at least ${LEDGER_SECRET_MIN_LENGTH})`],
  ])("key %s: a WeaveError with code usage and the hint, before any REST call or secret masking", async (_what, key, message) => {
    gh = await createGitHubStandIn();
    const repo = await gh.repos.create({ owner: "acme", name: "widgets", files: { ".github/weave.yml": PLAN } });
    repo.setPermission("alice", "write");
    const issue = repo.createIssue("Run the plan", "alice");
    const dir = await mkdtemp(join(tmpdir(), "weave-no-key-"));
    try {
      const eventPath = join(dir, "event.json");
      await writeFile(eventPath, JSON.stringify({ action: "created", issue: { number: issue }, comment: { id: 1, body: "/weave start", user: { login: "alice", type: "User" } } }));
      const env = {
        GITHUB_TOKEN: gh.users.token("alice"), GITHUB_REPOSITORY: "acme/widgets", GITHUB_EVENT_NAME: "issue_comment", GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: gh.url, RUNNER_TEMP: dir, ...(key === undefined ? {} : { WEAVE_LEDGER_KEY: key }),
      };
      const masked: string[] = [];
      const failed = await runCoordinatePass({ env, core: { getInput: () => "", setSecret: (s) => masked.push(s), info: () => {} } }).then(() => undefined, (e: unknown) => e);
      expect(failed).toBeInstanceOf(WeaveError);
      const error = failed as WeaveError;
      expect({ code: error.code, message: error.message }).toEqual({ code: "usage", message });
      for (const words of ADVICE) expect(error.hint).toContain(words);
      // Refused before it asked GitHub anything; the key (when given) is never masked as if it were in use.
      expect(gh.callCounts()).toEqual({});
      expect(masked).not.toContain(key || "<none>");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("`weave init` says to create that secret with the same advice the hint gives", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-init-key-"));
    try {
      execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
      const out = execFileSync(process.execPath, [BIN, "init", "--action-ref", "octo/weave/action@v1"], { cwd: dir, encoding: "utf8" });
      expect(out).toContain("WEAVE_LEDGER_KEY");
      expect(out).toContain(`at least ${LEDGER_SECRET_MIN_LENGTH} characters`);
      expect(out).toContain("openssl rand -hex 32");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
