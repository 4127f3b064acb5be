import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { renderPlanJsonSchema } from "../../scripts/generate-schema.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/weave.js");

async function weave(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("weave plan (real process)", () => {
  it("check: exit 0 on a valid plan, 1 with every problem on an invalid one, 2 on usage errors", async () => {
    expect((await weave(["plan", "check", "examples/diamond.yml"])).code).toBe(0);
    const bad = await weave(["plan", "check", "examples/invalid.yml"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("examples/invalid.yml:3:14: max_workers must be a number");
    expect(bad.stderr).toContain("dependency cycle: M1 → M3 → M2 → M1");
    expect(bad.stderr).toContain('did you mean "title"?');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect((await weave(["plan", "check", "--nope"])).code).toBe(2);
  });

  it("check --json lists problems with positions", async () => {
    const { code, stdout } = await weave(["plan", "check", "examples/invalid.yml", "--json"]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.valid).toBe(false);
    expect(json.problems[0]).toMatchObject({ file: "examples/invalid.yml", line: 3, column: 14 });
  });

  it("check answers on hostile globs: refuses one past the limits with its position, compares one within them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-cli-glob-"));
    const plan = (files: string[]): string => [
      "version: 1", "worker:", "  command: node agent.mjs", "milestones:",
      "  - id: A", `    files: [${files.map((f) => JSON.stringify(f)).join(", ")}]`, "    tasks: [x]",
      "  - id: B", `    files: ["src/${"a".repeat(60)}c"]`, "    tasks: [y]", "",
    ].join("\n");
    await writeFile(join(dir, "wild.yml"), plan([`src/${"*a".repeat(20)}*b`]));
    const wild = await weave(["plan", "check", "wild.yml"], dir);
    expect(wild.code).toBe(1);
    expect(wild.stderr).toMatch(/wild\.yml:6:13: milestone A: files\[0\]: .*at most 16 per segment/);
    const braces = "src/{a,b,c,d,e,f,g,h}/{a,b,c,d,e,f,g,h}/{a,b,c,d,e,f,g,h}.ts"; // 512 alternatives
    await writeFile(join(dir, "braces.yml"), plan([braces]));
    const many = await weave(["plan", "check", "braces.yml"], dir);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/braces\.yml:6:13: .*more than 256 alternatives/);
    // Within the limits (13 wildcards) the comparison is linear: it answers, and finds no overlap.
    await writeFile(join(dir, "ok.yml"), plan(["src/*a*a*a*a*a*a*a*a*a*a*a*a*b"]));
    expect(await weave(["plan", "check", "ok.yml"], dir)).toMatchObject({ code: 0 });
  });

  it("check defaults to .github/weave.yml and says how to create one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-cli-"));
    const { code, stderr } = await weave(["plan", "check"], dir);
    expect(code).toBe(1);
    expect(stderr).toContain("no plan at .github/weave.yml");
    expect(stderr).toContain("weave init");
  });

  it("eligible: report in text, markdown and json; unknown IDs are usage errors", async () => {
    const text = await weave(["plan", "eligible", "examples/diamond.yml", "--merged", "data", "--running", "docs"]);
    expect(text.stdout).toContain("Eligible for Parallel Execution (2)");
    const md = await weave(["plan", "eligible", "examples/diamond.yml", "--merged", "data", "--format", "markdown"]);
    expect(md.stdout).toContain("## Eligible for Parallel Execution (3)");
    const json = JSON.parse((await weave(["plan", "eligible", "examples/diamond.yml", "--merged", "data,api,ui", "--format", "json"])).stdout);
    expect(json.eligible.map((m: { id: string }) => m.id)).toEqual(["integration", "docs"]);
    const bad = await weave(["plan", "eligible", "examples/diamond.yml", "--merged", "dta"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("dta is not in examples/diamond.yml");
  });

  it("simulate --json gives a valid schedule in seconds, and --actual replays real durations", async () => {
    const { stdout } = await weave(["plan", "simulate", "examples/diamond.yml", "--workers", "2", "--json"]);
    const sim = JSON.parse(stdout);
    expect(sim.makespan).toBe(65 * 60);
    expect(sim.lower_bound).toBe(65 * 60);
    expect(sim.schedule).toHaveLength(5);
    const dir = await mkdtemp(join(tmpdir(), "weave-cli-"));
    await writeFile(join(dir, "actual.json"), JSON.stringify({ api: "1h" }));
    const actual = JSON.parse((await weave(["plan", "simulate", join(ROOT, "examples/diamond.yml"), "--workers", "2", "--actual", "actual.json", "--json"], dir)).stdout);
    expect(actual.makespan).toBeGreaterThan(sim.makespan);
    const text = await weave(["plan", "simulate", "examples/diamond.yml", "--workers", "2"]);
    expect(text.stdout).toMatch(/makespan\s+1h5m/);
    expect(text.stdout).toContain("gantt");
  });

  it("graph: mermaid and dot", async () => {
    expect((await weave(["plan", "graph", "examples/diamond.yml", "--merged", "data"])).stdout).toContain('n0["data: Data layer (merged)"]');
    expect((await weave(["plan", "graph", "examples/diamond.yml", "--format", "dot"])).stdout).toContain('"data" -> "api";');
  });
});

describe("schema/weave.schema.json", () => {
  it("is generated from the zod schema (run `npm run schema` when this fails)", async () => {
    expect(await readFile(join(ROOT, "schema/weave.schema.json"), "utf8")).toBe(renderPlanJsonSchema());
  });
});

describe("plan check and plan eligible give one overlap answer (real process)", () => {
  it("count the same pairs: those that may run at the same time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weave-overlaps-"));
    const file = join(dir, "weave.yml");
    // A overlaps B and C, but both wait for A; only B and C may run side by side.
    await writeFile(file, `version: 1
worker: { command: x }
milestones:
  - { id: A, tasks: [t], files: [src/types.ts] }
  - { id: B, tasks: [t], depends_on: [A], files: ["src/auth/**", src/types.ts] }
  - { id: C, tasks: [t], depends_on: [A], files: ["src/ui/**", src/types.ts] }
`);
    const check = await weave(["plan", "check", file]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain("1 pair of milestones may run at the same time with overlapping files (see `weave plan eligible`)");
    const eligible = await weave(["plan", "eligible", file]);
    expect(eligible.code, eligible.stderr).toBe(0);
    expect(eligible.stdout).toContain("File Overlap Warnings (1)");
    expect(eligible.stdout).toMatch(/! B <-> C — .*:\n\s+src\/types\.ts/);
    const json = await weave(["plan", "check", file, "--json"]);
    expect((JSON.parse(json.stdout) as { file_overlaps: unknown[] }).file_overlaps).toHaveLength(1);
  });
});
