import { describe, expect, it } from "vitest";
import { readActionInputs } from "../../src/action/action-inputs.js";

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? "";

describe("readActionInputs", () => {
  it("reads every input and masks the token", () => {
    const secrets: string[] = [];
    const read = readActionInputs(inputs({ milestone: "M1", "dispatch-id": "d-1", sha: "a".repeat(40), "app-url": "https://weave.example", "heartbeat-interval": "30s", token: "ghs_secret", command: "echo hi" }), (s) => secrets.push(s));
    expect(read).toEqual({ mode: "run", milestone: "M1", dispatchId: "d-1", sha: "a".repeat(40), appUrl: "https://weave.example", heartbeatIntervalSec: 30, token: "ghs_secret", command: "echo hi" });
    expect(secrets).toEqual(["ghs_secret"]);
  });

  it("reads mode: run (the default) or resolve, and names the input when the value is neither", () => {
    const base = { milestone: "M1", "dispatch-id": "d-1" };
    expect(readActionInputs(inputs(base), () => undefined).mode).toBe("run");
    expect(readActionInputs(inputs({ ...base, mode: "run" }), () => undefined).mode).toBe("run");
    expect(readActionInputs(inputs({ ...base, mode: " resolve " }), () => undefined).mode).toBe("resolve");
    expect(() => readActionInputs(inputs({ ...base, mode: "merge" }), () => undefined)).toThrow('input `mode` must be run or resolve, not "merge"');
  });

  it("names every missing or bad input at once", () => {
    expect(() => readActionInputs(inputs({}), () => undefined)).toThrow(/input `milestone` is required; input `dispatch-id` is required/);
    expect(() => readActionInputs(inputs({ milestone: "a b", "dispatch-id": "x", sha: "abc", "app-url": "http://evil.example", "heartbeat-interval": "soon" }), () => undefined)).toThrow(
      /`milestone` is not a milestone ID.*`sha` must be a full commit SHA.*`app-url` must be an https:\/\/ URL.*`heartbeat-interval` must be a duration/,
    );
  });

  it.each<[string, string, number | undefined | "refused"]>([
    ["absent (a workflow from before it): no allowance", "", undefined],
    ["a number of USD", "0.5000", 0.5],
    ["zero: nothing to spend", "0", 0],
    ["negative", "-1", "refused"],
    ["not a number", "lots", "refused"],
  ])("allowance-usd %s", (_, value, expected) => {
    const read = () => readActionInputs(inputs({ milestone: "M1", "dispatch-id": "d-1", "allowance-usd": value }), () => undefined);
    if (expected === "refused") expect(read).toThrow(/input `allowance-usd` must be a number of USD/);
    else expect(read().allowanceUsd).toBe(expected);
  });
});
