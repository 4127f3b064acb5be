import { describe, expect, it } from "vitest";
import { WeaveError, isWeaveError, toWeaveError } from "../../src/core/errors.js";

describe("WeaveError", () => {
  it("carries code, hint and problems", () => {
    const e = new WeaveError("plan-invalid", "bad plan", { hint: "fix it", problems: [{ message: "x" }] });
    expect(isWeaveError(e, "plan-invalid")).toBe(true);
    expect(isWeaveError(e, "usage")).toBe(false);
    expect(e.hint).toBe("fix it");
    expect(e.problems).toHaveLength(1);
  });
  it("wraps foreign errors keeping the cause", () => {
    const cause = new Error("boom");
    const e = toWeaveError(cause, "io-failed");
    expect(e.code).toBe("io-failed");
    expect(e.cause).toBe(cause);
    expect(toWeaveError(e)).toBe(e);
  });
});
