import { describe, expect, it } from "vitest";
import { maySteer } from "../../src/core/command-permission.js";

describe("who may steer a run", () => {
  it.each([
    ["admin", true],
    ["maintain", true],
    ["write", true],
    ["triage", false],
    ["read", false],
    ["none", false],
    ["", false],
    ["Write", false],
  ])("%s → %s", (permission, allowed) => {
    expect(maySteer(permission)).toBe(allowed);
  });
});
