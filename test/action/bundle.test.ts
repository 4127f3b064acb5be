import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");

describe("action/dist", () => {
  it("is the bundle of the current sources (run `npm run build:action` when this fails)", async () => {
    const { buildAction } = (await import(join(ROOT, "scripts/build-action.mjs"))) as { buildAction: (dir: string, write: boolean) => Promise<{ outputFiles: { path: string; text: string }[] }> };
    const result = await buildAction(join(ROOT, "action/dist"), false);
    expect(result.outputFiles.length).toBe(2);
    for (const file of result.outputFiles) expect(await readFile(file.path, "utf8"), file.path).toBe(file.text);
  });

  it("action.yml runs on node24 with main and post, and declares the inputs and outputs the workflow uses", async () => {
    const action = parse(await readFile(join(ROOT, "action/action.yml"), "utf8")) as { runs: Record<string, string>; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js", post: "dist/post.js" });
    expect(Object.keys(action.inputs).sort()).toEqual(["allowance-usd", "app-url", "command", "coordinator", "dispatch-id", "heartbeat-interval", "milestone", "mode", "sha", "token", "workflow"]);
    expect(action.inputs.mode).toMatchObject({ required: false, default: "run" });
    expect(Object.keys(action.outputs).sort()).toEqual(["cost-usd", "head-sha", "state", "tasks-done"]);
  });
});
