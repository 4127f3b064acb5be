import { defineConfig } from "vitest/config";

// Benchmarks that need the offline GitHub stand-in (TypeScript test code) run through vitest, apart from `npm test`.
export default defineConfig({
  test: { include: ["bench/**/*.bench.test.ts"], testTimeout: 900_000, hookTimeout: 120_000, pool: "forks" },
});
