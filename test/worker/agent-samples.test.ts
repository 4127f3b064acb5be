// Every recorded agent output, read by the cost meters and the outcome classifier as the worker reads them: stdout
// line by line through the same splitter, stderr's tail, the recorded exit code.
import { describe, expect, it } from "vitest";
import { classifyOutcome, createOutcomeWatcher } from "../../src/worker/agents/agent-outcome.js";
import { createCostMeter, readCost, readCostFile } from "../../src/worker/agents/cost-meter.js";
import { AGENT_PRESETS } from "../../src/worker/agents/presets.js";
import { createLineSplitter } from "../../src/worker/output-lines.js";
import { read, SAMPLES, TEST_PRICES } from "./agent-samples.js";

describe("recorded agent outputs", () => {
  it.each(SAMPLES)("$name: cost, outcome and reason", (sample) => {
    const stdout = read(sample.stdout);
    const stderr = read(sample.stderr);
    const preset = AGENT_PRESETS[sample.agent];
    const meter = createCostMeter(preset.cost, { prices: TEST_PRICES });
    const watcher = createOutcomeWatcher();
    const splitter = createLineSplitter({ parseCap: 8 << 20, onLine: (l, t) => (meter.line(l, t), watcher.line(l, t)) });
    // Feed in odd-sized chunks, as a pipe delivers them.
    for (let i = 0; i < stdout.length; i += 97) splitter.push(stdout.slice(i, i + 97));
    splitter.end();
    const cost = meter.finish({ stdoutTail: stdout, costFile: "" });
    if (sample.cost === null) expect(cost).toBeNull();
    else expect(cost).toBeCloseTo(sample.cost, 6);
    const outcome = classifyOutcome({ family: preset.family, exitCode: sample.rc, signal: null, facts: watcher.facts, stdoutTail: stdout, stderrTail: stderr, executable: sample.agent });
    expect(outcome.kind).toBe(sample.kind);
    expect(outcome.ok).toBe(sample.kind === "ok");
    expect(outcome.retry).toBe(sample.retry);
    if (sample.reason) expect(outcome.reason).toMatch(sample.reason);
    // A reason is weave's words: one line, short, never the raw output.
    if (outcome.reason) expect(outcome.reason.length).toBeLessThan(400);
    expect(outcome.reason ?? "").not.toContain("\n");
  });

  it("without a price for the model, token-priced agents cost unknown (null), never $0", () => {
    expect(readCost("codex-jsonl", read("codex-exec-json-success.jsonl"))).toBeNull();
    expect(readCost("gemini-json", read("gemini-json-success.json"))).toBeNull();
    expect(readCost("gemini-json", read("gemini-json-success.json"), { prices: { "gemini-2.5-flash": { input: 1, output: 1 } } })).toBeNull();
    // A prefix or the plan's model finds a price.
    expect(readCost("gemini-json", read("gemini-json-success.json"), { prices: { "gemini-2.5": { input: 1, output: 1 } } })).toBeCloseTo(0.019, 6);
    expect(readCost("codex-jsonl", read("codex-exec-json-success.jsonl"), { model: "gpt-5-codex", prices: { "gpt-5": { input: 1, output: 1 } } })).toBeCloseTo(0.0126, 6);
  });

  it("a killed claude stream keeps the per-message usage seen so far, deduplicated by message id", () => {
    const lines = read("claude-stream-json-error-max-turns.jsonl").split("\n").filter((l) => !l.startsWith('{"type":"result"'));
    const prices = { "claude-opus-4": { input: 5, output: 25 } };
    // Three messages, each repeated once per content block: 3 × (20000 × $5 + 1 × $25) / 1M.
    expect(readCost("claude-json", lines.join("\n"), { prices })).toBeCloseTo(3 * 0.100025, 9);
    expect(readCost("claude-json", lines.join("\n"))).toBeNull();
    // The partial-messages stream's message_delta carries the final output count: 20000 × $5 + 800 × $25.
    const partial = read("claude-stream-json-partial-messages.jsonl").split("\n").filter((l) => !l.startsWith('{"type":"result"'));
    expect(readCost("claude-json", partial.join("\n"), { prices })).toBeCloseTo(0.12, 9);
  });

  it("the cost file: sums usd lines; no cost line is unknown; none is free", () => {
    expect(readCostFile('{"usd":0.1}\n{"cost_usd":0.05}\nnoise\n')).toBeCloseTo(0.15, 9);
    expect(readCostFile("")).toBeNull();
    expect(readCost("none", "anything")).toBe(0);
  });

  it("aider: the last Cost line's session total; small costs keep their digits", () => {
    expect(readCost("aider", "Tokens: 3.0k sent, 42 received. Cost: $0.0063 message, $0.0063 session.\n")).toBe(0.0063);
    expect(readCost("aider", "Aider v0.86.2\n")).toBeNull();
  });
});
