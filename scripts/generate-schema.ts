/**
 * Writes schema/weave.schema.json from the plan's zod schema (`npm run schema`); a test fails when it is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createPlanJsonSchema } from "../src/core/plan/schema.js";

export function renderPlanJsonSchema(): string {
  return `${JSON.stringify(createPlanJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL("../../schema/weave.schema.json", import.meta.url));
  writeFileSync(target, renderPlanJsonSchema());
  console.log(`wrote ${target}`);
}
