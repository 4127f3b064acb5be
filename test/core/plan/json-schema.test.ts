/** The published JSON Schema is as strict as the plan parser where editors check: durations have a pattern. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../local/local-fixtures.js";

const schema = JSON.parse(readFileSync(join(ROOT, "schema/weave.schema.json"), "utf8")) as Record<string, unknown>;
const validate = new Ajv2020({ strict: false }).compile(schema);
const plan = (timeout: unknown) => ({ version: 1, heartbeat_timeout: timeout, worker: { command: "x" }, milestones: [{ id: "a", tasks: ["t"] }] });

describe("schema/weave.schema.json durations", () => {
  it.each(["5m", "1h30m", "90", "1.5h", "250ms", 30])("accepts %j", (value) => expect(validate(plan(value))).toBe(true));
  it.each(["soon", "5 minutes", "", "m5"])("refuses %j", (value) => expect(validate(plan(value))).toBe(false));
});
