// The Store port's contract (src/ports/store.ts), run against every adapter: the local state file
// (local/state-file-store.ts, in a real temp dir, its racers real processes running the built module) and the run
// ledger (github/ledger-store.ts) over git (a mirror) and over REST, against the GitHub stand-in (test/harness/).
// The contract: empty reads undefined; a create lands once; a compare-and-swap wins on the version read and loses
// after another writer's; versions change with each write and are opaque; a read never returns what failed its
// schema or MAC; of 8 writers racing, round after round and with the machine busy, exactly one wins and no win is lost.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunState } from "../../src/core/contracts/run-state.js";
import { isWeaveError } from "../../src/core/errors.js";
import { ledgerGuardFor } from "../../src/github/ledger.js";
import type { Ledger } from "../../src/github/ledger.js";
import { createLedgerStore } from "../../src/github/ledger-store.js";
import type { LedgerStore } from "../../src/github/ledger-store.js";
import { createRepoClient } from "../../src/github/repo-client.js";
import type { OctokitLike } from "../../src/github/repo-client.js";
import { openMirror } from "../../src/github/repo-mirror.js";
import { createStateFileStore } from "../../src/local/state-file-store.js";
import { newRunState } from "../../src/local/state-store.js";
import type { Store } from "../../src/ports/store.js";
import { createGitHubStandIn } from "../harness/stand-in.js";
import type { GitHubStandIn } from "../harness/stand-in.js";
import { ROOT } from "../local/local-fixtures.js";

const WRITERS = 8;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One writer of a store, as a separate process (or session) would be: it reads, then writes on what it read. */
interface Racer {
  read(): Promise<string | undefined>;
  /** Writes what it read plus its mark; true when the swap landed. */
  write(): Promise<boolean>;
  /** Adds its mark `times` times, reading again after every lost swap; how many swaps it lost. */
  increment(times: number): Promise<number>;
  close(): Promise<void>;
}

/** One store under test, fresh and empty. */
interface Subject<T> {
  store: Store<T>;
  /** Another writer's view of the same store (another process, another App session). */
  other(): Store<T>;
  /** A valid value carrying `n`, and `n` read back. */
  value(n: number): T;
  n(value: T): number;
  /** How many marks each racer left (`racers` bump a value with their id). */
  marks(value: T): Record<string, number>;
  /** Writes a value carrying `n` behind the store's back, in a form that fails its schema or its MAC. */
  tamper(n: number): Promise<void>;
  racers(count: number): Promise<Racer[]>;
  /** How many increments each racer makes (a ledger write is a git push or three REST calls). */
  increments: number;
  close(): Promise<void>;
}

interface Adapter<T> {
  name: string;
  open(): Promise<Subject<T>>;
}

// ---- the local state file --------------------------------------------------------------------------------------------

const NOW = new Date("2026-06-01T12:00:00.000Z");
const runState = (n: number): RunState => newRunState(`run-${n}`, "weave.yml", "main", ["a"], [1], NOW);
const STATE_STORE = pathToFileURL(join(ROOT, "dist/src/local/state-file-store.js")).href;

/** A racer process: answers `read`, `write` and `increment` over IPC with the built state-file store. */
const STATE_RACER = `
const { createStateFileStore } = await import(process.argv[1]);
const store = createStateFileStore(process.argv[2]);
const id = process.argv[3];
const bump = (v) => ({ ...v, events: [...v.events, { at: v.updatedAt, kind: "mark", id }] });
let read;
process.on("message", async (m) => {
  try {
    if (m.op === "read") {
      read = await store.read();
      process.send({ ok: true, version: read?.version });
    } else if (m.op === "write") {
      process.send({ ok: true, won: (await store.write(read, bump(read.value))) !== undefined });
    } else if (m.op === "increment") {
      let lost = 0;
      for (let won = 0; won < m.times; ) {
        const current = await store.read();
        if (await store.write(current, bump(current.value))) won++;
        else lost++;
      }
      process.send({ ok: true, lost });
    } else process.exit(0);
  } catch (e) {
    process.send({ ok: false, error: String(e && e.stack || e) });
  }
});
process.send({ ok: true });
`;

interface Reply {
  ok: boolean;
  error?: string;
  version?: string;
  won?: boolean;
  lost?: number;
}

function processRacer(child: ChildProcess): Racer {
  const ask = (message: Record<string, unknown>): Promise<Reply> => new Promise((resolve, reject) => {
    child.once("message", (reply: Reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))));
    child.send(message);
  });
  return {
    read: async () => (await ask({ op: "read" })).version,
    write: async () => (await ask({ op: "write" })).won === true,
    increment: async (times) => (await ask({ op: "increment", times })).lost ?? 0,
    close: async () => {
      const gone = new Promise((r) => child.once("exit", r));
      child.send({ op: "exit" });
      await gone;
    },
  };
}

const stateFile: Adapter<RunState> = {
  name: "the local state file",
  async open() {
    const dir = await mkdtemp(join(tmpdir(), "weave-store-"));
    const path = join(dir, ".weave", "state.json");
    const children: ChildProcess[] = [];
    return {
      store: createStateFileStore(path),
      other: () => createStateFileStore(path),
      value: runState,
      n: (v) => Number(v.runId.slice("run-".length)),
      marks: (v) => count(v.events.filter((e) => e.kind === "mark").map((e) => e.id!)),
      // A file that is not a run state (its milestone's state is no state weave knows).
      tamper: async (n) => {
        const bad = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
        await writeFile(path, JSON.stringify({ ...bad, runId: `run-${n}`, milestones: { a: { state: "won" } } }));
      },
      racers: async (k) => Promise.all(Array.from({ length: k }, async (_, i) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", STATE_RACER, STATE_STORE, path, `w${i}`], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
        children.push(child);
        await new Promise((ready) => child.once("message", ready));
        return processRacer(child);
      })),
      increments: 10,
      close: async () => {
        for (const c of children) c.kill();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

// ---- the run ledger, over git and over REST --------------------------------------------------------------------------

const KEY = "store-contract-ledger-key";
let gh: GitHubStandIn;
let repoCount = 0;

function ledger(n: number, issue: number): Ledger {
  return { version: 1, run: { id: `run-${n}`, trackingIssue: issue, startedBy: "alice", startedAt: NOW.toISOString(), target: "main", budgetStopped: false }, milestones: {} };
}

function ledgerAdapter(over: "git" | "REST"): Adapter<Ledger> {
  return {
    name: `the run ledger over ${over}`,
    async open() {
      const name = `widgets${++repoCount}`;
      const repo = await gh.repos.create({ owner: "acme", name, files: { "README.md": "hi\n" } });
      repo.setPermission("alice", "write");
      const token = gh.users.token("alice");
      const issue = repo.createIssue("Run the plan", "alice");
      const dirs: string[] = [];
      const client = () => createRepoClient(new Octokit({ baseUrl: gh.url, auth: token, log: quiet, request: { retries: 0 } }) as unknown as OctokitLike, { owner: "acme", repo: name });
      // Each writer is its own session: its own guard (last good version, cache) and, over git, its own mirror.
      const open = async (): Promise<LedgerStore> => {
        if (over === "REST") return createLedgerStore(client(), ledgerGuardFor({ webhookSecret: KEY }));
        const dir = await mkdtemp(join(tmpdir(), "weave-store-mirror-"));
        dirs.push(dir);
        const mirror = await openMirror(dir, `acme/${name}`, async () => ({ url: repo.cloneUrl, token }));
        return createLedgerStore(client(), ledgerGuardFor({ webhookSecret: KEY }), mirror);
      };
      const first = await open();
      const others: LedgerStore[] = [];
      const alice = new Octokit({ baseUrl: gh.url, auth: token, log: quiet, request: { retries: 0 } });
      return {
        store: first,
        other: () => {
          // Opened lazily below: `other()` is synchronous in the contract, a session's mirror is not.
          let store: Promise<LedgerStore> | undefined;
          const get = () => (store ??= open().then((s) => (others.push(s), s)));
          return { read: async () => (await get()).read(), write: async (e, v, s) => (await get()).write(e, v, s) };
        },
        value: (n) => ledger(n, issue),
        n: (v) => Number(v.run!.id.slice("run-".length)),
        marks: (v) => Object.fromEntries(Object.entries(v.milestones).map(([id, m]) => [id, m.attempts])),
        // A commit pushed on top by someone without the key: it copies nothing of weave's MAC (REST, like a token would).
        tamper: async (n) => {
          const o = { owner: "acme", repo: name };
          const head = (await alice.git.getRef({ ...o, ref: "weave/state" })).data.object.sha;
          const tree = await alice.git.createTree({ ...o, tree: [{ path: "state.json", mode: "100644", type: "blob", content: `${JSON.stringify(ledger(n, issue), null, 2)}\n` }] });
          const commit = await alice.git.createCommit({ ...o, message: "weave: forged", tree: tree.data.sha, parents: [head] });
          await alice.git.updateRef({ ...o, ref: "weave/state", sha: commit.data.sha });
        },
        racers: async (k) => Promise.all(Array.from({ length: k }, async (_, i): Promise<Racer> => {
          const store = await open();
          const id = `w${i}`;
          const bump = (v: Ledger): Ledger => {
            const next = structuredClone(v);
            const m = (next.milestones[id] ??= { state: "pending", attempts: 0, requeues: 0, tasks: 1, tasksDone: 0, costUsd: 0 });
            m.attempts += 1;
            return next;
          };
          let read: Awaited<ReturnType<LedgerStore["read"]>>;
          return {
            read: async () => (read = await store.read())?.version,
            write: async () => (await store.write(read, bump(read!.value), `mark ${id}`)) !== undefined,
            increment: async (times) => {
              let lost = 0;
              for (let won = 0; won < times; ) {
                const current = await store.read();
                if (await store.write(current, bump(current!.value), `mark ${id}`)) won++;
                else lost++;
              }
              return lost;
            },
            close: async () => undefined,
          };
        })),
        increments: over === "git" ? 2 : 1,
        close: async () => {
          for (const d of dirs) await rm(d, { recursive: true, force: true });
        },
      };
    },
  };
}

function count(ids: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

/** Two CPU-bound processes for the length of `work`: the races run on a busy machine, as they do in the suite. */
async function whileBusy<T>(work: () => Promise<T>): Promise<T> {
  const hogs = Array.from({ length: 2 }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  try {
    return await work();
  } finally {
    for (const h of hogs) h.kill("SIGKILL");
  }
}

beforeAll(async () => {
  gh = await createGitHubStandIn({ timeScale: 0.01 });
});
afterAll(async () => {
  await gh?.close();
});

describe.each([stateFile, ledgerAdapter("git"), ledgerAdapter("REST")] as Adapter<unknown>[])("Store contract: $name", (adapter) => {
  const withSubject = (test: (s: Subject<unknown>) => Promise<void>) => async () => {
    const s = await adapter.open();
    try {
      await test(s);
    } finally {
      await s.close();
    }
  };

  it("reads undefined when empty; a create lands once, a second create on nothing loses", withSubject(async (s) => {
    expect(await s.store.read()).toBeUndefined();
    const created = await s.store.write(undefined, s.value(1), "create");
    expect(created).toBeDefined();
    expect(s.n(created!.value)).toBe(1);
    const read = await s.store.read();
    expect(read?.version).toBe(created!.version);
    expect(s.n(read!.value)).toBe(1);
    expect(await s.other().write(undefined, s.value(2), "create again")).toBeUndefined();
    expect(s.n((await s.store.read())!.value)).toBe(1);
  }));

  it("wins a swap on the version it read, loses one after another writer's, and reads the winner's", withSubject(async (s) => {
    const v1 = (await s.store.write(undefined, s.value(1)))!;
    const other = s.other();
    const seen = (await other.read())!;
    expect(seen.version).toBe(v1.version);
    const v2 = await other.write(seen, s.value(2));
    expect(v2).toBeDefined();
    // The first writer still holds v1: its swap must not land over v2.
    expect(await s.store.write(v1, s.value(3))).toBeUndefined();
    const now = (await s.store.read())!;
    expect(now.version).toBe(v2!.version);
    expect(s.n(now.value)).toBe(2);
    // Read again, decide again: that swap lands.
    expect(s.n((await s.store.write(now, s.value(3)))!.value)).toBe(3);
  }));

  it("gives each write a new, opaque version", withSubject(async (s) => {
    const versions: string[] = [];
    let last = await s.store.write(undefined, s.value(0));
    for (let n = 1; n <= 4; n++) {
      versions.push(last!.version);
      last = await s.store.write(last, s.value(n));
    }
    versions.push(last!.version);
    expect(new Set(versions).size).toBe(versions.length);
    for (const v of versions) {
      expect(typeof v).toBe("string");
      // Opaque: nothing of the value shows in it (a hash, a commit sha).
      expect(v).not.toMatch(/run-/);
    }
  }));

  it("never returns data that failed its schema or its MAC, and never writes over it on an old version", withSubject(async (s) => {
    const good = (await s.store.write(undefined, s.value(1)))!;
    await s.tamper(666);
    const read = await s.other().read().then((r) => r, (e: unknown) => e);
    if (isWeaveError(read)) expect(["contract-invalid", "contract-newer", "ledger-unsupported"]).toContain(read.code);
    else expect(s.n((read as { value: unknown }).value)).not.toBe(666);
    // The tampered content is what the store holds now: a swap on the version read before it does not land.
    expect(await s.store.write(good, s.value(2))).toBeUndefined();
  }));

  it(`of ${WRITERS} writers racing, round after round on a busy machine, exactly one wins and no win is lost`, { timeout: 240_000 }, withSubject(async (s) => {
    await s.store.write(undefined, s.value(1));
    const racers = await s.racers(WRITERS);
    try {
      const wins: Record<string, number> = {};
      await whileBusy(async () => {
        for (let round = 0; round < 4; round++) {
          const versions = await Promise.all(racers.map((r) => r.read()));
          expect(new Set(versions).size, `round ${round}: every racer read the same version`).toBe(1);
          const won = await Promise.all(racers.map((r) => r.write()));
          expect(won.filter(Boolean), `round ${round}: ${won.join(", ")}`).toHaveLength(1);
          const i = won.indexOf(true);
          wins[`w${i}`] = (wins[`w${i}`] ?? 0) + 1;
        }
        // Everyone at once, each retrying its lost swaps: every increment is there at the end.
        const lost = await Promise.all(racers.map((r) => r.increment(s.increments)));
        expect(lost.reduce((a, b) => a + b, 0), "some swaps were lost (the racers did contend)").toBeGreaterThan(0);
      });
      const final = (await s.store.read())!;
      const expected = Object.fromEntries(racers.map((_, i) => [`w${i}`, (wins[`w${i}`] ?? 0) + s.increments]));
      expect(s.marks(final.value)).toEqual(expected);
    } finally {
      for (const r of racers) await r.close();
    }
  }));
});

describe("the state file's own promises", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "weave-store-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps a newer weave's file and its contract error: read refuses it, no swap writes over it", async () => {
    const path = join(dir, "newer.json");
    const store = createStateFileStore(path);
    const good = (await store.write(undefined, runState(1)))!;
    const newer = JSON.stringify({ ...runState(9), version: 2, addedLater: true });
    await writeFile(path, newer);
    const e = await store.read().then(() => undefined, (err: unknown) => err);
    expect(isWeaveError(e, "contract-newer")).toBe(true);
    expect(await store.write(good, runState(2))).toBeUndefined();
    expect(await store.write(undefined, runState(2))).toBeUndefined();
    expect(await readFile(path, "utf8")).toBe(newer);
  });

  it("refuses to write what its contract would not read back", async () => {
    const store = createStateFileStore(join(dir, "bad.json"));
    const e = await store.write(undefined, { ...runState(1), milestones: { a: { state: "won" } } } as unknown as RunState).then(() => undefined, (err: unknown) => err);
    expect(isWeaveError(e, "contract-invalid")).toBe(true);
    expect(await store.read()).toBeUndefined();
  });
});

describe("the ledger's distrusted head, through the adapter", () => {
  it.each(["git", "REST"] as const)("over %s: read says distrusted, keeps the last good value; a write of that same value lands over it and alarms once", async (over) => {
    const s = await ledgerAdapter(over).open();
    const store = s.store as LedgerStore;
    try {
      await store.write(undefined, s.value(1));
      await s.tamper(666);
      const read = (await store.read())!;
      expect(read.distrusted?.failure).toBe("missing");
      expect(s.n(read.value)).toBe(1);
      // Nothing else changed, and yet the write lands on top of the distrusted head.
      const written = await store.write(read, read.value, "over a distrusted head");
      expect(written).toBeDefined();
      expect(written!.distrusted).toBeUndefined();
      const again = (await store.read())!;
      expect(again.version).toBe(written!.version);
      expect(again.distrusted).toBeUndefined();
      await store.write(again, s.value(2));
      const alarms = (await new Octokit({ baseUrl: gh.url, auth: gh.users.token("alice"), log: quiet }).issues.listComments({ owner: "acme", repo: `widgets${repoCount}`, issue_number: read.value.run!.trackingIssue })).data
        .filter((c) => (c.body ?? "").includes("the run ledger was changed by someone other than weave"));
      expect(alarms).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
