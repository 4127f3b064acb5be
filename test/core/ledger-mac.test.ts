// The ledger MAC (core/ledger-mac.ts): the key derivation checked against HKDF written out from RFC 5869, the exact
// canonical input, and a table of what verifies and why the rest does not.
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeLedgerMac, deriveLedgerKey, hasLedgerMac, ledgerMacInput, ledgerMacTrailer, verifyLedgerMac } from "../../src/core/ledger-mac.js";
import type { LedgerMacInput } from "../../src/core/ledger-mac.js";

/** HKDF-SHA256 (RFC 5869) by hand: extract with an empty salt (HashLen zeros), expand one block with `info`. */
function hkdfByHand(secret: string, info: string): Buffer {
  const prk = createHmac("sha256", Buffer.alloc(32)).update(secret, "utf8").digest();
  return createHmac("sha256", prk).update(Buffer.concat([Buffer.from(info, "utf8"), Buffer.from([1])])).digest();
}

const key = deriveLedgerKey("webhook-secret");
const STATE = `{\n  "version": 1,\n  "milestones": {}\n}\n`;
const PARENT = "1".repeat(40);
const base: LedgerMacInput = { repositoryId: 1042, parents: [PARENT], state: STATE };
const message = (input: LedgerMacInput = base, k = key): string => `weave: M1 running\n\n${ledgerMacTrailer(k, input)}\n`;

describe("ledger MAC key", () => {
  it("is HKDF-SHA256 of the secret with the label `weave ledger v1`", () => {
    expect(key.bytes.toString("hex")).toBe(hkdfByHand("webhook-secret", "weave ledger v1").toString("hex"));
    expect(key.bytes.toString("hex")).not.toBe(hkdfByHand("webhook-secret", "weave ledger v2").toString("hex"));
    expect(deriveLedgerKey("another secret").bytes.equals(key.bytes)).toBe(false);
  });
});

describe("ledger MAC canonical input", () => {
  it("binds the version, the repository, the parent (or root) and the state's SHA-256, one a line", () => {
    const sha = createHash("sha256").update(STATE).digest("hex");
    expect(ledgerMacInput(base)).toBe(`weave-ledger-mac v1\nrepository 1042\nparent ${PARENT}\nstate-sha256 ${sha}\n`);
    expect(ledgerMacInput({ ...base, parents: [] })).toContain("\nparent root\n");
    expect(computeLedgerMac(key, base)).toBe(createHmac("sha256", key.bytes).update(ledgerMacInput(base)).digest("hex"));
    expect(ledgerMacTrailer(key, base)).toMatch(/^Weave-Ledger-MAC: v1 [0-9a-f]{64}$/);
  });
});

describe("verifyLedgerMac", () => {
  const good = message();
  const mac = computeLedgerMac(key, base);
  const cases: [string, string, LedgerMacInput, ReturnType<typeof verifyLedgerMac>][] = [
    ["weave's own commit", good, base, { ok: true }],
    ["a first commit (no parent)", message({ ...base, parents: [] }), { ...base, parents: [] }, { ok: true }],
    ["the trailer among others, spaces around", `weave: x\n\nWeave-Other: 1\nWeave-Ledger-MAC:  v1 ${mac}  \n`, base, { ok: true }],
    ["one byte of state changed", good, { ...base, state: STATE.replace("{}", "{ }") }, { ok: false, failure: "mismatch" }],
    ["a trailing newline dropped", good, { ...base, state: STATE.trimEnd() }, { ok: false, failure: "mismatch" }],
    ["the same content on another parent", good, { ...base, parents: ["2".repeat(40)] }, { ok: false, failure: "mismatch" }],
    ["the same content as a new root", good, { ...base, parents: [] }, { ok: false, failure: "mismatch" }],
    ["copied from another repository", good, { ...base, repositoryId: 1043 }, { ok: false, failure: "mismatch" }],
    ["made with another key", message(base, deriveLedgerKey("job-guess")), base, { ok: false, failure: "mismatch" }],
    ["no trailer", "weave: M1 merged\n", base, { ok: false, failure: "missing" }],
    ["the trailer inside a line", `weave: see Weave-Ledger-MAC: v1 ${mac}\n`, base, { ok: false, failure: "missing" }],
    ["two trailers (one right)", `${good}Weave-Ledger-MAC: v1 ${"0".repeat(64)}\n`, base, { ok: false, failure: "malformed" }],
    ["an unknown version", `x\n\nWeave-Ledger-MAC: v2 ${mac}\n`, base, { ok: false, failure: "malformed" }],
    ["upper-case hex", `x\n\nWeave-Ledger-MAC: v1 ${mac.toUpperCase()}\n`, base, { ok: false, failure: "malformed" }],
    ["a short MAC", `x\n\nWeave-Ledger-MAC: v1 ${mac.slice(0, 40)}\n`, base, { ok: false, failure: "malformed" }],
    ["a merge commit (right MAC for its first parent)", good, { ...base, parents: [PARENT, "3".repeat(40)] }, { ok: false, failure: "parents" }],
  ];
  it.each(cases)("%s", (_, text, input, verdict) => {
    expect(verifyLedgerMac(key, text, input)).toEqual(verdict);
  });

  it("hasLedgerMac sees any trailer line, well-formed or not", () => {
    expect(hasLedgerMac(good)).toBe(true);
    expect(hasLedgerMac("x\n\nWeave-Ledger-MAC: junk\n")).toBe(true);
    expect(hasLedgerMac("weave: progress\n")).toBe(false);
  });
});
