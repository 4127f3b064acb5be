import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default is one file at a time on a 2-core machine (cores − 1). Most files here wait on real processes,
    // the stand-in's write throttle and timers rather than on CPU, so four at a time finishes the suite sooner (343 s of test files against 932 s one at a time); the
    // tests must hold under that load anyway (races hide on an idle machine).
    maxWorkers: 4,
  },
});
