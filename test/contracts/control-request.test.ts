import { describe, expect, it } from "vitest";
import { CONTROL_REQUEST_VERSION, controlRequest, controlRequestContract } from "../../src/core/contracts/control-request.js";
import { errorOf, mainFile, mainJson } from "./contract-fixtures.js";

describe("control request contract (.weave/requests/*.json)", () => {
  it("reads the unversioned request today's main wrote (migration 0 → 1)", () => {
    expect(controlRequestContract.parseText(mainFile("request.json"), "r.json")).toEqual({ version: CONTROL_REQUEST_VERSION, verb: "pause", ids: ["ui"] });
  });

  it.each([
    ["stop of all", controlRequest("stop", [])],
    ["merge --force", controlRequest("merge", ["a", "b"], true)],
    ["resume without force", controlRequest("resume", ["a"], undefined)],
  ])("reads what the writer makes: %s", (_name, request) => {
    expect(controlRequestContract.parse(JSON.parse(JSON.stringify(request)), "r.json")).toEqual(request);
  });

  it("refuses a newer version, saying to run the same weave", () => {
    const e = errorOf(() => controlRequestContract.parse({ ...mainJson("request.json"), version: 2 }, "r.json"));
    expect(e.code).toBe("contract-newer");
    expect(e.hint).toMatch(/upgrade weave/);
  });

  it.each([
    ["an unknown verb", { verb: "explode" }, "verb: "],
    ["ids that are not a list", { ids: "ui" }, "ids: "],
    ["a force that is text", { force: "yes" }, "force: "],
  ])("refuses %s, naming the field", (_name, patch, problem) => {
    const e = errorOf(() => controlRequestContract.parse({ ...mainJson("request.json"), ...patch }, "r.json"));
    expect(e.code).toBe("contract-invalid");
    expect(e.message).toContain(`r.json is not a weave control request weave can read: ${problem}`);
  });
});
