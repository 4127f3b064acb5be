import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validateGraph } from "../../../src/core/plan/validate-graph.js";
import type { GraphNode } from "../../../src/core/plan/validate-graph.js";

/** A random DAG: each node depends only on earlier ones. */
const dag = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 4 }), { minLength: n, maxLength: n }).map((deps) =>
    deps.map((ds, i): GraphNode => ({ id: `M${i}`, dependsOn: i === 0 ? [] : [...new Set(ds.map((d) => `M${d % i}`))] })),
  ),
);

describe("validateGraph", () => {
  it("accepts every random DAG", () => {
    fc.assert(fc.property(dag, (nodes) => {
      expect(validateGraph(nodes)).toEqual([]);
    }), { numRuns: 300 });
  });

  it("always finds an added back-edge and names a cycle through it", () => {
    fc.assert(
      fc.property(dag, fc.nat(), fc.nat(), (nodes, a, b) => {
        if (nodes.length < 2) return;
        // Pick a path-closing edge: from an ancestor to one of its descendants' dependencies chain.
        const to = nodes.length - 1 - (a % nodes.length);
        const ancestors = new Set<string>();
        const stack = [...nodes[to]!.dependsOn];
        while (stack.length) {
          const id = stack.pop()!;
          if (ancestors.has(id)) continue;
          ancestors.add(id);
          stack.push(...nodes.find((n) => n.id === id)!.dependsOn);
        }
        if (ancestors.size === 0) return;
        const from = [...ancestors][b % ancestors.size]!;
        const withBackEdge = nodes.map((n) => (n.id === from ? { ...n, dependsOn: [...n.dependsOn, nodes[to]!.id] } : n));
        const problems = validateGraph(withBackEdge);
        expect(problems).toHaveLength(1);
        const names = /^dependency cycle: (.*)$/.exec(problems[0]!.message)![1]!.split(" → ");
        expect(names[0]).toBe(names.at(-1));
        expect(names).toContain(from);
        expect(names).toContain(nodes[to]!.id);
        // Every step of the named path is a real dependency.
        for (let i = 0; i + 1 < names.length; i++) expect(withBackEdge.find((n) => n.id === names[i])!.dependsOn).toContain(names[i + 1]);
      }),
      { numRuns: 300 },
    );
  });

  it("handles a chain of 10,000 milestones, and a 10,000-long cycle, without overflowing the stack", () => {
    const chain: GraphNode[] = Array.from({ length: 10_000 }, (_, i) => ({ id: `M${i}`, dependsOn: i ? [`M${i - 1}`] : [] }));
    expect(validateGraph(chain)).toEqual([]);
    chain[0] = { id: "M0", dependsOn: ["M9999"] };
    const [cycle] = validateGraph(chain);
    expect(cycle!.message.split(" → ")).toHaveLength(10_001);
  });
});
