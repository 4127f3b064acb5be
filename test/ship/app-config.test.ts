// readAppConfig: the private key found the way probot finds it and parsed at boot; every problem at once, by variable.
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWeaveError } from "../../src/core/errors.js";
import type { WeaveError } from "../../src/core/errors.js";
import { readAppConfig } from "../../src/github/app-config.js";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const pkcs1 = rsa.export({ type: "pkcs1", format: "pem" }).toString();
const pkcs8 = rsa.export({ type: "pkcs8", format: "pem" }).toString();
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const base = { APP_ID: "1", WEBHOOK_SECRET: "s", WEAVE_PUBLIC_URL: "https://weave.example.com" };

let dir: string;
let empty: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "weave-config-"));
  empty = await mkdtemp(join(tmpdir(), "weave-config-empty-"));
  await writeFile(join(dir, "key.pem"), pkcs1);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

function failure(env: NodeJS.ProcessEnv, cwd = empty): WeaveError {
  try {
    readAppConfig(env, cwd);
  } catch (e) {
    if (isWeaveError(e, "usage")) return e;
    throw e;
  }
  throw new Error("readAppConfig accepted the configuration");
}

describe("readAppConfig", () => {
  it.each([
    ["PEM", () => ({ PRIVATE_KEY: pkcs1 })],
    ["PEM with literal \\n", () => ({ PRIVATE_KEY: pkcs1.replace(/\n/g, "\\n") })],
    ["PKCS#8 PEM", () => ({ PRIVATE_KEY: pkcs8 })],
    ["base64 of the PEM", () => ({ PRIVATE_KEY: Buffer.from(pkcs1).toString("base64") })],
    ["PRIVATE_KEY_PATH", () => ({ PRIVATE_KEY_PATH: join(dir, "key.pem") })],
  ])("takes the key as %s", (_, key) => {
    const config = readAppConfig({ ...base, ...key() }, empty);
    expect(config.privateKey).toContain("PRIVATE KEY-----\n");
  });

  it("takes the one .pem file in the working directory, as probot does", () => {
    expect(readAppConfig(base, dir).privateKey).toBe(pkcs1);
  });

  it.each([
    ["not PEM", { PRIVATE_KEY: "hello" }, "PRIVATE_KEY does not hold a PEM private key"],
    ["PEM armour around garbage", { PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n" }, "PRIVATE_KEY is not a usable RSA private key"],
    ["an EC key", { PRIVATE_KEY: ec }, "PRIVATE_KEY is not a usable RSA private key"],
    ["a missing file", { PRIVATE_KEY_PATH: "/nonexistent/key.pem" }, "PRIVATE_KEY_PATH (/nonexistent/key.pem) does not hold a PEM private key"],
    ["nothing", {}, "no private key"],
  ])("refuses %s at boot, naming the source and never echoing the key", (_, key, message) => {
    const error = failure({ ...base, ...key });
    expect(error.message).toContain(message);
    expect(error.hint).toContain("PRIVATE_KEY_PATH");
    expect(error.message).not.toContain("bm90IGEga2V5");
  });

  it("lists every problem at once, each naming its variable", () => {
    const error = failure({ PRIVATE_KEY: pkcs1, WEAVE_TICK_SECONDS: "soon", WEBHOOK_PROXY_URL: "smee" });
    expect(error.problems.map((p) => p.message).sort()).toEqual([
      "APP_ID is not set",
      "WEBHOOK_SECRET is not set",
      "WEAVE_PUBLIC_URL is not set",
      'WEBHOOK_PROXY_URL must be an http(s) URL, not "smee"',
      'WEAVE_TICK_SECONDS must be a number ≥ 1, not "soon"',
    ].sort());
    expect(error.hint).toContain('README: "Running the App"');
  });
});
