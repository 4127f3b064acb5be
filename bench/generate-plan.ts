/**
 * Generates large, realistic-shaped plans for the scale benchmark: layered DAG, several globs per milestone.
 * Not here: timing (bench/scale.ts).
 */

/** Seeded xorshift: the same plan every run. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

export interface GeneratedPlan {
  yaml: string;
  milestones: number;
  edges: number;
  globs: number;
}

/** `milestones` milestones, ~`edgesPer` dependencies each on earlier ones, ~`globsPer` file globs each. */
export function generatePlanYaml(milestones = 10_000, edgesPer = 5, globsPer = 10, seed = 42): GeneratedPlan {
  const rand = random(seed);
  const lines = ["version: 1", "max_workers: 8", "worker: { command: ./agent.sh }", "milestones:"];
  let edges = 0;
  let globs = 0;
  for (let i = 0; i < milestones; i++) {
    const deps = new Set<number>();
    if (i > 0) {
      const want = Math.min(i, edgesPer);
      // Mostly near neighbours (layers), some long edges.
      while (deps.size < want) deps.add(rand() < 0.8 ? Math.max(0, i - 1 - Math.floor(rand() * 50)) : Math.floor(rand() * i));
    }
    edges += deps.size;
    const module = `m${Math.floor(i / 20)}`;
    const files: string[] = [];
    for (let g = 0; g < globsPer; g++) {
      const r = rand();
      if (r < 0.5) files.push(`src/${module}/f${i}_${g}.ts`);
      else if (r < 0.8) files.push(`src/${module}/sub${g}/*.ts`);
      else if (r < 0.95) files.push(`test/${module}/t${i}_${g}.test.ts`);
      else files.push(`docs/${module}/**`);
    }
    globs += files.length;
    lines.push(
      `  - id: M${i}`,
      `    title: Milestone ${i}`,
      `    estimate: ${1 + Math.floor(rand() * 60)}m`,
      `    depends_on: [${[...deps].map((d) => `M${d}`).join(", ")}]`,
      `    files: [${files.map((f) => JSON.stringify(f)).join(", ")}]`,
      `    tasks: ["Do the work of milestone ${i}"]`,
    );
  }
  return { yaml: `${lines.join("\n")}\n`, milestones, edges, globs };
}
