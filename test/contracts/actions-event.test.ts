import { describe, expect, it } from "vitest";
import { eventDefaultBranch } from "../../src/core/contracts/actions-event.js";

describe("the Actions event payload ($GITHUB_EVENT_PATH)", () => {
  it.each([
    ["a dispatch's payload", JSON.stringify({ inputs: { milestone: "M1" }, repository: { full_name: "o/r", default_branch: "trunk" } }), "trunk"],
    ["no repository", JSON.stringify({ inputs: {} }), undefined],
    ["an empty default branch", JSON.stringify({ repository: { default_branch: "" } }), undefined],
    ["a default branch that is not text", JSON.stringify({ repository: { default_branch: 7 } }), undefined],
    ["not JSON", "{", undefined],
    ["JSON that is not an object", "[1]", undefined],
  ])("%s names %s", (_name, text, want) => {
    expect(eventDefaultBranch(text)).toBe(want);
  });
});
