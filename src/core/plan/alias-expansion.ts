/**
 * YAML alias bombs: `*alias` references are shared, not copied, when loaded; expanded (the schema check, the job file)
 * a few lines of them become billions of nodes. This refuses a plan whose aliases would add too many.
 * Responsibilities: count the nodes aliases add (stopping past the limit) and say where the first alias is.
 * Not here: positions of other problems (yaml-positions.ts); the refusal itself (plan-failure.ts).
 * Invariants: pure; linear in the loaded value's size (each shared node is measured once); a plan without aliases
 * adds 0.
 */
import type { Problem } from "../errors.js";
import { locationAt } from "./plan-failure.js";

export const MAX_ALIAS_EXPANSION = 1000;

/** The problem when aliases in `value` expand to more than MAX_ALIAS_EXPANSION extra nodes, placed at the first alias. */
export function findAliasBomb(value: unknown, text: string, file: string, lineStarts: readonly number[]): Problem | undefined {
  if (aliasExpansion(value) <= MAX_ALIAS_EXPANSION) return undefined;
  const alias = /(^|[\s,[{:-])\*[^\s,\]}]+/m.exec(text);
  return {
    message: `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_EXPANSION} through \`*alias\` references): a plan never needs that many`,
    hint: "write the repeated parts out, or use fewer `*alias` references",
    location: locationAt(file, lineStarts, alias ? alias.index + alias[1]!.length : 0),
  };
}

/** Nodes that `*alias` references add when the value is expanded (0 without aliases); stops counting past the limit. */
function aliasExpansion(root: unknown): number {
  const sizes = new Map<object, number>();
  let extra = 0;
  const size = (v: unknown): number => {
    if (v === null || typeof v !== "object") return 1;
    const known = sizes.get(v);
    if (known !== undefined) {
      extra += known;
      return known;
    }
    sizes.set(v, 1);
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      n += size(child);
      if (extra > MAX_ALIAS_EXPANSION) break;
    }
    sizes.set(v, n);
    return n;
  };
  size(root);
  return extra;
}
