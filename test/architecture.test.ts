// Architecture rules, read from the source itself: no import cycles, adapters never import each other beyond the
// Actions home's named edges (and shared code imports none at all), git runs only through the one executor, nothing persisted or received is read with a bare
// `JSON.parse(…) as T`, and module headers name only paths that exist.
// KNOWN_DEBT lists what today's code still does wrong (the one-loop redesign, issue 12, removes it); the test fails
// on any new violation and on a listed one that is gone, so the list can only shrink.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
/** Homes' adapters: none may import another, except by an edge ALLOWED_ADAPTER_EDGES names. src/cli is the CLI's entry. */
const ADAPTERS = ["local", "github", "action", "actions-home"] as const;
/**
 * The only edges between adapters: the Actions home is a composition, not a peer — its coordinator is src/github's
 * adapters run inside a job, reading the worker's check run (and the Action's inputs) through src/action's readers —
 * and action/main.ts, the Action's one entry, starts it in its coordinating mode. `dir/` names a whole directory.
 */
const ALLOWED_ADAPTER_EDGES: readonly (readonly [from: string, to: string])[] = [
  ["actions-home/", "github/"],
  ["actions-home/", "action/action-inputs.ts"],
  ["actions-home/", "action/worker-check-run.ts"],
  ["action/main.ts", "actions-home/"],
];
const names = (pattern: string, path: string): boolean => (pattern.endsWith("/") ? path.startsWith(pattern) : path === pattern);
const allowedEdge = (from: string, to: string): boolean => ALLOWED_ADAPTER_EDGES.some(([f, t]) => names(f, from) && names(t, to));
/** Shared by every home (the domain, the ports, the loop, the worker, the one git executor): they import no adapter. */
const SHARED = ["core", "ports", "reconcile", "worker", "git"] as const;

const KNOWN_DEBT = {
  adapterImports: [] as string[],
  cycles: [] as string[],
  bareJsonCasts: [] as string[],
  /** Policy that reads an error's words instead of its code; github/github-refusals.ts is where they are translated. */
  messageBranching: [] as string[],
  headerPaths: [] as string[],
};

/** The edges whose job is reading outside words (GitHub's and git's) and translating them into WeaveError codes. */
const MESSAGE_TRANSLATORS = ["github/github-refusals.ts", "git/git-refusals.ts"];
/** A name that holds something caught or failed (`catch (e)`, `.catch((err) => …)`, a process's failure). */
const CAUGHT = String.raw`(?:e|err|error|cause|caught|failure|ex)`;
/** Text derived from an error or a process: `firstLine(e)`, `String(err)`, `e.message`, `r.stderr`, `(e as Error).message`. */
const ERROR_TEXT = String.raw`(?:(?:firstLine|String|errorMessage|messageOf|errorText|textOf)\(\s*\(?${CAUGHT}\b[^()]*\)?\s*\)|\.(?:message|stderr|stdout)\b)`;
/**
 * An error's or a process's words used to decide: `.message.includes(…)`, `/…/.test(e.message)`, `/…/.test(r.stderr)`,
 * `/…/.test(firstLine(e))`, `String(e).includes(…)`, `err.stderr.match(…)`, `[…].includes(e.message)`.
 */
const MESSAGE_BRANCHING = [
  /\.message\.(?:includes|startsWith|endsWith|match|search)\(/,
  /\.(?:test|exec)\([^()]*(?:\([^()]*\))?[^()]*\.(?:message|stderr|stdout)\s*\)/,
  /\.(?:stderr|stdout)\.(?:includes|startsWith|endsWith|match|search)\(/,
  // A test or search whose argument is an error's text.
  new RegExp(String.raw`\.(?:test|exec|includes|match|search|startsWith|endsWith)\(\s*[^()]*?${ERROR_TEXT}`),
  // An error's text searched: `String(e).includes(…)`, `firstLine(err).match(…)`.
  new RegExp(String.raw`${ERROR_TEXT}\s*\)?\s*\.(?:includes|match|search|startsWith|endsWith|test)\(`),
];
const branchesOnMessage = (source: string): boolean => MESSAGE_BRANCHING.some((r) => r.test(source));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

const files = sourceFiles(SRC);
const rel = (path: string): string => relative(SRC, path).split("\\").join("/");
const text = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));

/** Relative imports (static, type-only, re-exports and dynamic), resolved to .ts files under src/. */
function importsOf(file: string): string[] {
  const out = new Set<string>();
  const source = text.get(file)!;
  const pattern = /(?:^|\n)\s*(?:import|export)\s+(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
  for (const m of source.matchAll(pattern)) {
    const spec = m[1] ?? m[2] ?? "";
    const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
    if (text.has(target)) out.add(target);
  }
  return [...out];
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Strongly connected components of more than one file (or a self-import), each as sorted relative paths. */
function findCycles(): string[] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.map(rel).sort().join(" <-> "));
    }
  };
  for (const f of files) if (!indices.has(f)) visit(f);
  return cycles.sort();
}

const topOf = (relPath: string): string => relPath.split("/")[0] ?? "";
const adapterOf = (relPath: string): string | undefined => ((ADAPTERS as readonly string[]).includes(topOf(relPath)) ? topOf(relPath) : undefined);

/** Import edges (relative paths) from one home's adapters into another's, or from shared code into any adapter. */
function forbiddenImports(edges: readonly (readonly [string, string])[]): string[] {
  const found: string[] = [];
  for (const [from, to] of edges) {
    const target = adapterOf(to);
    if (!target) continue;
    const source = adapterOf(from);
    const shared = (SHARED as readonly string[]).includes(topOf(from));
    if ((source && source !== target && !allowedEdge(from, to)) || shared) found.push(`${from} -> ${to}`);
  }
  return found.sort();
}

const edges = [...graph].flatMap(([file, deps]) => deps.map((dep) => [rel(file), rel(dep)] as const));

/** The first comment block of a file. */
function headerOf(source: string): string {
  return /^\s*(?:#![^\n]*\n\s*)?\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? "";
}

/** Path-like words in a header (`dir/file.ts`, `file.ts`) that resolve to nothing. */
function missingHeaderPaths(file: string): string[] {
  const header = headerOf(text.get(file)!);
  const missing: string[] = [];
  for (const m of header.matchAll(/(?<![\w./-])((?:[\w.-]+\/)*[\w-]+(?:\.[\w-]+)*\.(?:ts|js|mjs|json|ya?ml|md))(?![\w/-])/g)) {
    const word = m[1] ?? "";
    // Dotted paths (.github/weave.yml, .weave/state.json) name files in the user's repository, not ours.
    if (word.startsWith(".") || word.includes("*") || /^[\w-]+\.(?:json|ya?ml|md)$/.test(word) && !word.includes("/")) continue;
    const candidates = [join(dirname(file), word), join(SRC, word), join(ROOT, word), join(ROOT, "src", word.replace(/^src\//, ""))];
    const bare = !word.includes("/");
    if (bare) candidates.push(...files.filter((f) => f.endsWith(`/${word}`)));
    if (!candidates.some((c) => existsSync(c))) missing.push(`${rel(file)}: ${word}`);
  }
  return missing;
}

describe("architecture", () => {
  it("has no import cycles", () => {
    expect(findCycles()).toEqual(KNOWN_DEBT.cycles);
  });

  it("never lets one home's adapters import another's, nor shared code (src/git, src/worker, …) any adapter", () => {
    expect(forbiddenImports(edges)).toEqual([...KNOWN_DEBT.adapterImports].sort());
  });

  it("reads persisted and received data through a schema, never `JSON.parse(…) as T`", () => {
    const found = files.filter((f) => /JSON\.parse\(.*\)\s*as\s+(?!unknown\b)/.test(text.get(f)!)).map(rel);
    expect(found.sort()).toEqual([...KNOWN_DEBT.bareJsonCasts].sort());
  });

  it("branches on WeaveError codes, never on an error's message text (outside the translators at the edge)", () => {
    const found = files.filter((f) => !MESSAGE_TRANSLATORS.includes(rel(f)) && branchesOnMessage(text.get(f)!)).map(rel);
    expect(found.sort()).toEqual([...KNOWN_DEBT.messageBranching].sort());
  });

  it("names only paths that exist in module headers", () => {
    expect(files.flatMap(missingHeaderPaths).sort()).toEqual([...KNOWN_DEBT.headerPaths].sort());
  });

  it("runs git only through the one executor (git/git-executor.ts)", () => {
    const runsGit = (source: string): boolean => /\b(?:execFile|execFileSync|spawn|spawnSync|exec|execSync)\(\s*["'`]git\b/.test(source);
    expect(runsGit('execFile("git", args, { cwd })')).toBe(true);
    expect(files.filter((f) => runsGit(text.get(f)!)).map(rel)).toEqual(["git/git-executor.ts"]);
  });

  it("names the worker-held states once (core/lifecycle.ts WORKER_HELD_STATES), never spelled out again", () => {
    const spellsOut = (source: string): boolean => /\[\s*"claimed",\s*"running",\s*"stale"\s*\]/.test(source);
    expect(spellsOut('if (["claimed", "running", "stale"].includes(r.state))')).toBe(true);
    expect(files.filter((f) => spellsOut(text.get(f)!)).map(rel)).toEqual(["core/lifecycle.ts"]);
  });

    it("gives every file in src/ a module header", () => {
    expect(files.filter((f) => headerOf(text.get(f)!).trim().length < 40).map(rel)).toEqual([]);
  });

  it("finds what it looks for (the checks themselves can fail)", () => {
    // Guard against a regex that silently matches nothing: known import edges and headers are seen.
    const cli = join(SRC, "cli", "main.ts");
    expect(graph.get(cli)!.length).toBeGreaterThan(0);
    expect(edges).toContainEqual(["github/repo-mirror.ts", "git/git-executor.ts"]);
    // A new adapter-to-adapter edge (or shared code reaching into a home) fails; a home using src/git does not.
    expect(forbiddenImports([
      ["github/repo-mirror.ts", "local/repo-git.ts"],
      ["git/repo-plumbing.ts", "local/worktree-create.ts"],
      ["worker/worker-git.ts", "action/git-credentials.ts"],
      ["github/repo-mirror.ts", "git/repo-plumbing.ts"],
      ["local/repo-git.ts", "git/git-executor.ts"],
      ["action/run-milestone.ts", "worker/worker-git.ts"],
      ["local/repo-git.ts", "local/worktree-create.ts"],
      ["cli/main.ts", "local/coordinator.ts"],
      // The Actions home: its named edges only.
      ["actions-home/coordinate.ts", "github/reconcile-repo.ts"],
      ["actions-home/coordinate-liveness.ts", "action/worker-check-run.ts"],
      ["action/main.ts", "actions-home/coordinate.ts"],
      ["actions-home/coordinate.ts", "local/repo-git.ts"],
      ["actions-home/coordinate.ts", "action/run-milestone.ts"],
      ["github/reconcile-repo.ts", "actions-home/coordinate.ts"],
      ["action/post.ts", "actions-home/coordinate.ts"],
      ["core/control.ts", "actions-home/coordinate.ts"],
    ])).toEqual([
      "action/post.ts -> actions-home/coordinate.ts",
      "actions-home/coordinate.ts -> action/run-milestone.ts",
      "actions-home/coordinate.ts -> local/repo-git.ts",
      "core/control.ts -> actions-home/coordinate.ts",
      "git/repo-plumbing.ts -> local/worktree-create.ts",
      "github/reconcile-repo.ts -> actions-home/coordinate.ts",
      "github/repo-mirror.ts -> local/repo-git.ts",
      "worker/worker-git.ts -> action/git-credentials.ts",
    ]);
    // Every edge the Actions home really has is seen (the rule is not vacuous for it).
    expect(edges.filter(([from, to]) => adapterOf(from) !== adapterOf(to) && adapterOf(to) && adapterOf(from) && allowedEdge(from, to)).length).toBeGreaterThan(0);
    expect(headerOf("/**\n * A header naming nowhere/missing.ts.\n */")).toContain("nowhere/missing.ts");
    for (const sample of [
      "if (!/gone/i.test((e as Error).message)) throw e;",
      "e.message.includes(\"gone\")",
      "/GH006/.test(r.stdout + r.stderr)",
      "if (/clean status|unstable status/i.test(firstLine(e))) return \"retry\";",
      "if (String(e).includes(\"not found\")) return;",
      "if (/denied/.test(String(err))) throw err;",
      "if (err.stderr.match(/fetch first/)) return \"moved\";",
      "if ([\"gone\", \"missing\"].includes(e.message)) return;",
      "if ((e as Error).message.startsWith(\"fatal\")) throw e;",
    ]) expect(branchesOnMessage(sample), sample).toBe(true);
    for (const sample of ["if (e.code !== \"ref-missing\") throw e;", "if (refusal.code === \"mergeable-now\") return \"retry\";", "r.reason = `failed: ${firstLine(e)}`;", "block(r, refusal.message);"]) {
      expect(branchesOnMessage(sample), sample).toBe(false);
    }
  });
});
