/**
 * Scale benchmark: a 10,000-milestone plan with ~50,000 edges and ~100,000 globs through parse + validate +
 * eligibility + overlap. Goal: < 1 s and < 300 MB peak. Each run is a fresh child process (clean heap, honest RSS).
 * Not here: scheduling quality (bench/stg.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findEligibility } from "../src/core/eligibility.js";
import { findFileOverlaps } from "../src/core/plan/file-overlap.js";
import { parsePlan } from "../src/core/plan/parse-plan.js";
import { generatePlanYaml } from "./generate-plan.js";

interface RunResult {
  parseMs: number;
  eligibilityMs: number;
  overlapMs: number;
  totalMs: number;
  peakRssMb: number;
  eligible: number;
  overlapPairs: number;
}

/** One measured run in this process (used by the child). */
function measureOnce(file: string, yaml: string): RunResult {
  const t0 = performance.now();
  const plan = parsePlan(yaml, file);
  const t1 = performance.now();
  // Halfway through a run: the first half merged, a few running.
  const states = new Map(plan.milestones.slice(0, plan.milestones.length / 2).map((m) => [m.id, "merged" as const]));
  const report = findEligibility(plan, states);
  const t2 = performance.now();
  const overlaps = findFileOverlaps(plan.milestones);
  const t3 = performance.now();
  return {
    parseMs: t1 - t0,
    eligibilityMs: t2 - t1,
    overlapMs: t3 - t2,
    totalMs: t3 - t0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    eligible: report.eligible.length,
    overlapPairs: overlaps.length,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function runScaleBench(runs = 5): Promise<{ table: string; results: unknown }> {
  const generated = generatePlanYaml();
  const dir = mkdtempSync(join(tmpdir(), "weave-scale-"));
  const file = join(dir, "weave.yml");
  writeFileSync(file, generated.yaml);
  const self = fileURLToPath(import.meta.url);
  const samples: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [self, "--child", file], { encoding: "utf8", maxBuffer: 1 << 20 });
    samples.push(JSON.parse(out) as RunResult);
  }
  const med = (k: keyof RunResult): number => median(samples.map((s) => s[k] as number));
  const results = {
    plan: { milestones: generated.milestones, edges: generated.edges, globs: generated.globs, bytes: generated.yaml.length },
    runs,
    median_ms: { parse_validate: med("parseMs"), eligibility: med("eligibilityMs"), overlap_all_pairs: med("overlapMs"), total: med("totalMs") },
    median_peak_rss_mb: med("peakRssMb"),
    eligible: samples[0]?.eligible,
    overlap_pairs: samples[0]?.overlapPairs,
    goal: { total_ms: 1000, peak_rss_mb: 300 },
  };
  const ok = results.median_ms.total < 1000 && results.median_peak_rss_mb < 300;
  const table = [
    `Scale: ${generated.milestones} milestones, ${generated.edges} edges, ${generated.globs} globs (${(generated.yaml.length / 1e6).toFixed(1)} MB YAML), median of ${runs} fresh processes`,
    `  parse + validate      ${results.median_ms.parse_validate.toFixed(0)} ms`,
    `  eligibility + overlap ${results.median_ms.eligibility.toFixed(0)} ms (eligible set)`,
    `  overlap, whole plan   ${results.median_ms.overlap_all_pairs.toFixed(0)} ms (${results.overlap_pairs} pairs)`,
    `  total                 ${results.median_ms.total.toFixed(0)} ms   peak RSS ${results.median_peak_rss_mb.toFixed(0)} MB   goal < 1000 ms, < 300 MB ${ok ? "✓" : "✗"}`,
  ].join("\n");
  return { table, results };
}

if (process.argv[2] === "--child" && process.argv[3]) {
  const { readFileSync } = await import("node:fs");
  process.stdout.write(JSON.stringify(measureOnce(process.argv[3], readFileSync(process.argv[3], "utf8"))));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { table } = await runScaleBench();
  console.log(table);
}
