/** `npm run demo` leaves nothing behind in the temp directory unless asked to keep it (issue 16, should-fix). */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./local-fixtures.js";

describe("the demo", () => {
  it("runs to the end and removes its repository", async (t) => {
    const tmp = await mkdtemp(join(tmpdir(), "weave-demo-test-"));
    t.onTestFinished(() => rm(tmp, { recursive: true, force: true }));
    const code = await new Promise<number>((done) => execFile(process.execPath, [join(ROOT, "dist/scripts/demo.js")], { env: { ...process.env, TMPDIR: tmp } }, (e) => done(e ? Number(e.code) : 0)));
    expect(code).toBe(0);
    expect((await readdir(tmp)).filter((n) => n.startsWith("weave-demo-"))).toEqual([]);
  }, 60_000);
});
