// Helpers for the contract tests: the files today's main wrote (fixtures/main-0cd96f6, written by `bin/weave.js
// start`, `merge` and `pause` of main at 0cd96f6 on a scratch repository), and how to catch a contract's error.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { WeaveError } from "../../src/core/errors.js";

const FIXTURES = join(import.meta.dirname, "fixtures/main-0cd96f6");

/** The text of a file today's main wrote. */
export function mainFile(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

export function mainJson(name: string): Record<string, unknown> {
  return JSON.parse(mainFile(name)) as Record<string, unknown>;
}

/** The WeaveError `run` throws (the test fails when it throws nothing, or something else). */
export function errorOf(run: () => unknown): WeaveError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(WeaveError);
    return e as WeaveError;
  }
  throw new Error("expected a WeaveError, nothing was thrown");
}
