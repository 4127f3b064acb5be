/**
 * Plan YAML with positions: js-yaml's load with a listener that records where every node starts, then lookups from
 * a value's path (`["milestones", 2, "depends_on"]`) to file:line:col.
 * Responsibilities: `loadWithPositions` (the value and its position tree, or where js-yaml stopped), `locate`.
 * Not here: what a syntax error is and how it is worded (yaml-syntax.ts); the fast path without positions
 * (parse-plan.ts). Why js-yaml and not the `yaml` package, which has positions built in: on a 4 MB plan it is ~8×
 * slower, measured (bench/scale.ts's plan).
 * Invariants: pure; the same schema (CORE) as the fast path, so both read the same values; a path that leads nowhere
 * is placed at its nearest existing parent.
 */
import jsyaml from "js-yaml";
import type { SourceLocation } from "../errors.js";
import { lineStartsOf, locationAt } from "./plan-failure.js";
import type { YamlPath } from "./validate-graph.js";

/** Where a node starts, and (collections) where its children start: a mapping's as key, value, key, value… */
interface PosNode {
  start: number;
  value: unknown;
  children: PosNode[];
}

/** The loaded plan's positions, for `locate`. */
export interface PlanSource {
  file: string;
  root: PosNode | undefined;
  lineStarts: number[];
}

export type PositionedLoad =
  | { ok: true; value: unknown; source: PlanSource }
  /** `offset`: where js-yaml stopped (its error's `mark`), when it said. */
  | { ok: false; offset: number | undefined; lineStarts: number[] };

/** Loads `text` as js-yaml's fast path does, recording where each node starts. */
export function loadWithPositions(text: string, file: string): PositionedLoad {
  const lineStarts = lineStartsOf(text);
  const stack: { start: number; children: PosNode[] }[] = [{ start: 0, children: [] }];
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema: jsyaml.CORE_SCHEMA,
      filename: file,
      listener(event, state) {
        if (event === "open") stack.push({ start: nodeStart(text, state.position), children: [] });
        else {
          const node = stack.pop()!;
          // js-yaml composes a block-context node by first trying it as a mapping's key: the one child that came out
          // of that try is this very node.
          const only = node.children.length === 1 ? node.children[0]! : undefined;
          stack[stack.length - 1]!.children.push(only && only.value === state.result ? only : { start: node.start, value: state.result, children: node.children });
        }
      },
    });
  } catch (e) {
    const position = e instanceof jsyaml.YAMLException ? (e.mark as { position?: unknown } | undefined)?.position : undefined;
    return { ok: false, offset: typeof position === "number" ? position : undefined, lineStarts };
  }
  return { ok: true, value, source: { file, root: stack[0]!.children[0], lineStarts } };
}

/** Position of the node at `path`, or of its nearest existing parent (with `keyOf`: of that key in the mapping at `path`). */
export function locate(source: PlanSource, path: YamlPath, keyOf?: string): SourceLocation {
  let node = source.root;
  if (!node) return { file: source.file, line: 1, column: 1 };
  for (const key of path) {
    const next = childAt(node, key);
    if (!next) return locationAt(source.file, source.lineStarts, node.start);
    node = next.value;
  }
  if (keyOf !== undefined) {
    const pair = childAt(node, keyOf);
    if (pair?.key) return locationAt(source.file, source.lineStarts, pair.key.start);
  }
  return locationAt(source.file, source.lineStarts, node.start);
}

/** The node of a collection's child: a mapping's value under `key`, a sequence's item `key`. */
function childAt(node: PosNode, key: PropertyKey): { key?: PosNode; value: PosNode } | undefined {
  if (Array.isArray(node.value)) return typeof key === "number" && node.children[key] ? { value: node.children[key] } : undefined;
  if (node.value === null || typeof node.value !== "object") return undefined;
  for (let i = 0; i + 1 < node.children.length; i += 2) {
    const k = node.children[i]!;
    if (String(k.value) === String(key)) return { key: k, value: node.children[i + 1]! };
  }
  return undefined;
}

/** The first character of the node js-yaml opens at `offset`: past spaces, line breaks and comments. */
function nodeStart(text: string, offset: number): number {
  let i = offset;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const eol = text.indexOf("\n", i);
      if (eol === -1) return text.length;
      i = eol + 1;
    } else return i;
  }
}
