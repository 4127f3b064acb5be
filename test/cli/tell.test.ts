// `weave tell <ID> <text>`: the note lands in the milestone's notes file, where its worker takes it with the next
// task; unknown IDs and missing text are usage errors that write nothing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { weavePaths } from "../../src/local/weave-paths.js";
import { notesFileOf, takeNotes } from "../../src/worker/notes-box.js";

const BIN = join(resolve(import.meta.dirname, "../.."), "bin/weave.js");
let dir: string;

function weave(...args: string[]): { code: number; out: string; err: string } {
  try {
    return { code: 0, out: execFileSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", stdio: "pipe" }), err: "" };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout, err: x.stderr };
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weave-tell-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  mkdirSync(join(dir, ".github"));
  writeFileSync(join(dir, ".github/weave.yml"), "version: 1\nworker: { agent: claude }\nmilestones:\n  - { id: api, tasks: [t] }\n");
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe("weave tell", () => {
  it("queues a note for the milestone's next task, text after -- included", async () => {
    expect(weave("tell", "api", "use", "the", "v2", "client")).toMatchObject({ code: 0 });
    const r = weave("tell", "api", "--", "--no-mocks please");
    expect(r.code).toBe(0);
    expect(r.out).toContain("api will get this with its next task: --no-mocks please");
    const file = notesFileOf(weavePaths(dir).costFile("api"));
    expect(await takeNotes(file)).toBe("use the v2 client\n--no-mocks please");
    expect(await takeNotes(file)).toBeUndefined();
  });

  it("refuses an unknown milestone or no text, and writes nothing", () => {
    expect(weave("tell", "nope", "hi")).toMatchObject({ code: 2 });
    expect(weave("tell", "nope", "hi").err).toContain("nope is not in");
    expect(weave("tell", "api").code).toBe(2);
    expect(existsSync(notesFileOf(weavePaths(dir).costFile("api")))).toBe(false);
  });
});
