/**
 * Versioned contracts: how weave reads anything it persisted or received — a version field, migrations from every
 * older version to the current one, a zod schema of the current shape, and errors that name the file and the field.
 * Responsibilities: `versioned()` (build a contract from a schema and its migrations), `parse` (throws), `check`
 * (answers), and the JSON text step; every contract under core/contracts/ is made with it (the GitHub ledger may be).
 * Not here: any one contract's shape (one file each beside this one); reading or writing files (each adapter:
 * local/atomic-json.ts, action/status-file.ts).
 * Invariants: pure; garbage never throws anything but a WeaveError — `contract-invalid` for bad content (its message
 * names the source and the bad field, or how many when several, then listed in `problems`), `contract-newer` for data
 * a newer weave wrote (its hint says to upgrade); migrations run in order, one version at a time, each on a copy.
 */
import type { z } from "zod";
import { WeaveError } from "../errors.js";

/** Turns a version-n object into the version-(n+1) shape; `version` is stamped by the contract afterwards. */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export interface ContractSpec<S extends z.ZodType> {
  /** What the data is, for messages ("the run state", "a worker status"). */
  what: string;
  /** The version this weave writes; `schema` must require exactly it. */
  version: number;
  schema: S;
  /** `migrations[n]` turns version n into version n + 1; a version with no path to the current one is refused. */
  migrations?: Record<number, Migration>;
  /** The version of an object with no `version` field (what weave wrote before the field existed); default 0. */
  unversioned?: number;
  /** Said when the content is bad (what a person can do about it). */
  invalidHint: string;
  /** Said when a newer weave wrote it; default: upgrade weave. */
  newerHint?: string;
}

type Refused = { ok: false; error: WeaveError; problems: string[] };
/** A refusal carries every problem (`path: message`), also when its error's message names only the one. */
export type CheckResult<T> = { ok: true; value: T } | Refused;

export interface Contract<T> {
  readonly what: string;
  readonly version: number;
  /** The current-version value, migrated from an older one if need be; throws WeaveError on anything else. */
  parse(value: unknown, source: string): T;
  /** `parse` of JSON text (a file's content, a request body). */
  parseText(text: string, source: string): T;
  /** `parse` without throwing. */
  check(value: unknown, source: string): CheckResult<T>;
}

/**
 * `true` only when a schema's output and a hand-written interface say the same thing: `const same: SameShape<A, B> =
 * true` fails the build when the two drift apart.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;

export const DEFAULT_NEWER_HINT = "upgrade weave (`npm i -g weave-plan@latest`) to read it";

export function versioned<S extends z.ZodType>(spec: ContractSpec<S>): Contract<z.output<S>> {
  const migrations = spec.migrations ?? {};
  const unversioned = spec.unversioned ?? 0;
  // One problem is said in the message itself; several are counted there and listed (each rendered on its own line).
  const invalid = (source: string, problems: string[]): Refused => ({
    ok: false,
    problems,
    error: new WeaveError("contract-invalid", `${source} is not ${spec.what} weave can read: ${problems.length > 1 ? `${problems.length} problems` : problems[0] ?? "bad content"}`, {
      hint: spec.invalidHint,
      problems: problems.length > 1 ? problems.map((message) => ({ message })) : [],
    }),
  });

  const check = (value: unknown, source: string): CheckResult<z.output<S>> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid(source, [`expected a JSON object, got ${describe(value)}`]);
    let data = { ...(value as Record<string, unknown>) };
    const stated = data.version ?? unversioned;
    if (typeof stated !== "number" || !Number.isInteger(stated) || stated < 0) return invalid(source, [`version: expected a whole number, got ${describe(stated)}`]);
    if (stated > spec.version) {
      const message = `${source} is ${spec.what} of version ${stated}; this weave reads versions up to ${spec.version}`;
      return { ok: false, error: new WeaveError("contract-newer", message, { hint: spec.newerHint ?? DEFAULT_NEWER_HINT }), problems: [`version: ${stated} is newer than this weave reads (${spec.version})`] };
    }
    for (let v = stated; v < spec.version; v++) {
      const step = migrations[v];
      if (!step) return invalid(source, [`version: ${v} is older than any version this weave reads (${oldest(migrations, spec.version)}–${spec.version})`]);
      data = { ...step(data), version: v + 1 };
    }
    const parsed = spec.schema.safeParse(data);
    if (parsed.success) return { ok: true, value: parsed.data };
    return invalid(source, parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(top level)"}: ${i.message}`));
  };

  const parse = (value: unknown, source: string): z.output<S> => {
    const result = check(value, source);
    if (result.ok) return result.value;
    throw result.error;
  };

  return {
    what: spec.what,
    version: spec.version,
    parse,
    parseText(text, source) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw invalid(source, [`not JSON (${(e as Error).message})`]).error;
      }
      return parse(value, source);
    },
    check,
  };
}

function oldest(migrations: Record<number, Migration>, current: number): number {
  let v = current;
  while (migrations[v - 1]) v--;
  return v;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
