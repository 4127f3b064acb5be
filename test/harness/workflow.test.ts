// The runner's readers: action.yml entries, file commands, workflow dispatch inputs and `${{ }}` expressions.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputVariable, parseFileCommand, readActionEntry } from "./job-process.js";
import { evaluate, ExpressionError, interpolate, parseWorkflow, resolveInputs, tokenPermissions } from "./workflow-file.js";

describe("action.yml", () => {
  it("reads main, post and input defaults as the runner does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-action-"));
    try {
      await writeFile(join(dir, "action.yml"), "name: weave\ninputs:\n  github-token:\n    default: ${{ github.token }}\n  plan: {}\nruns:\n  using: node24\n  main: dist/index.js\n  post: dist/post.js\n");
      expect(await readActionEntry(dir)).toEqual({ main: join(dir, "dist/index.js"), post: join(dir, "dist/post.js"), inputDefaults: { "github-token": "${{ github.token }}" } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names inputs and parses file commands like the runner", () => {
    expect(inputVariable("github-token")).toBe("INPUT_GITHUB-TOKEN");
    expect(inputVariable("my input")).toBe("INPUT_MY_INPUT");
    expect(parseFileCommand("a=1\nb<<EOF\nline 1\nline 2\nEOF\nc=x=y\n")).toEqual({ a: "1", b: "line 1\nline 2", c: "x=y" });
  });
});

describe("workflow files", () => {
  const workflow = parseWorkflow(".github/workflows/w.yml", "name: w\non:\n  workflow_dispatch:\n    inputs:\n      id: { required: true }\n      flag: { type: boolean, default: false }\n      kind: { type: choice, options: [a, b], default: a }\njobs:\n  j:\n    runs-on: ubuntu-latest\n");

  it("fills defaults and rejects what GitHub rejects", () => {
    expect(resolveInputs(workflow, { id: "M1" })).toEqual({ id: "M1", flag: "false", kind: "a" });
    expect(() => resolveInputs(workflow, {})).toThrow("Required input 'id' not provided");
    expect(() => resolveInputs(workflow, { id: "M1", other: "x" })).toThrow('Unexpected inputs provided: ["other"]');
    expect(() => resolveInputs(workflow, { id: "M1", kind: "c" })).toThrow("not in the list of allowed values");
    expect(() => resolveInputs(parseWorkflow("p.yml", "on: push\njobs: {}\n"), {})).toThrow("does not have 'workflow_dispatch' trigger");
  });

  it("evaluates the expressions weave's workflows use, and refuses the rest", () => {
    const context = { inputs: { id: "M1", empty: "" }, github: { ref: "refs/heads/main", event: { inputs: { id: "M1" } } }, secrets: { GITHUB_TOKEN: "ghs_x" }, vars: {}, env: {} };
    expect(interpolate("weave-${{ inputs.id }}-${{ github.ref }}", context)).toBe("weave-M1-refs/heads/main");
    expect(evaluate("inputs.empty || 'fallback'", context)).toBe("fallback");
    expect(evaluate("github.event.inputs.id", context)).toBe("M1");
    expect(evaluate("secrets['GITHUB_TOKEN']", context)).toBe("ghs_x");
    expect(() => evaluate("toJSON(inputs)", context)).toThrow(ExpressionError);
    expect(() => evaluate("matrix.os", context)).toThrow("unknown context 'matrix'");
  });

  it("derives GITHUB_TOKEN permissions from permissions:", () => {
    expect(tokenPermissions({ contents: "write", "id-token": "write" }, undefined, {})).toEqual({ metadata: "read", contents: "write", id_token: "write" });
    expect(tokenPermissions({ contents: "write" }, { issues: "read" }, {})).toEqual({ metadata: "read", issues: "read" });
    expect(tokenPermissions(undefined, undefined, { contents: "write" })).toEqual({ contents: "write" });
  });
});
