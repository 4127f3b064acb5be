/**
 * Graph checks on a plan's milestones: duplicate IDs, unknown or self dependencies, and cycles named by their path.
 * Responsibilities: find every graph problem at once, each tied to the YAML path it comes from.
 * Not here: turning paths into line/column (core/plan/yaml-positions.ts); building the graph of a valid plan (core/plan/plan-schedule.ts).
 * Invariants: pure and iterative (a chain of 10,000+ milestones never overflows the stack); input may be partly invalid.
 */
import { suggest } from "./suggest.js";

export type YamlPath = readonly (string | number)[];

export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

export interface GraphProblem {
  message: string;
  hint?: string;
  path: YamlPath;
  /** Another place the message refers to (e.g. where a duplicate ID was first defined). */
  related?: YamlPath;
}

/** Strongly connected components with a cycle (size > 1), by Tarjan's algorithm without recursion. */
export function findCyclicComponents(adjacency: readonly (readonly number[])[]): number[][] {
  const n = adjacency.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const frames: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const v = frame[0];
      const edges = adjacency[v]!;
      if (frame[1] < edges.length) {
        const w = edges[frame[1]++]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const u = frames[frames.length - 1]![0];
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        if (component.length > 1) components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components.sort((a, b) => a[0]! - b[0]!);
}

/** Shortest cycle through `start` inside one component: [start, …, start]. */
function shortestCycle(start: number, members: ReadonlySet<number>, adjacency: readonly (readonly number[])[]): number[] {
  const parent = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of adjacency[v]!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = parent.get(x)!) path.push(x);
        path.push(start);
        return [path[0]!, ...path.slice(1, -1).reverse(), start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Every graph problem of the plan's milestones, in plan order. */
export function validateGraph(nodes: readonly GraphNode[]): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const firstIndex = new Map<string, number>();
  nodes.forEach((node, i) => {
    const first = firstIndex.get(node.id);
    if (first === undefined) firstIndex.set(node.id, i);
    else
      problems.push({
        message: `duplicate milestone ID "${node.id}"`,
        hint: "every milestone needs its own ID: rename one of them",
        path: ["milestones", i, "id"],
        related: ["milestones", first, "id"],
      });
  });

  const adjacency: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    node.dependsOn.forEach((dep, j) => {
      const at = ["milestones", i, "depends_on", j];
      if (dep === node.id) {
        problems.push({ message: `${node.id} depends on itself`, hint: `remove "${dep}" from its depends_on`, path: at });
        return;
      }
      const target = firstIndex.get(dep);
      if (target === undefined) {
        const near = suggest(dep, firstIndex.keys());
        problems.push({
          message: `${node.id} depends on "${dep}", which is not a milestone of this plan`,
          hint: near ? `did you mean "${near}"?` : "add that milestone or remove the dependency",
          path: at,
        });
        return;
      }
      if (firstIndex.get(node.id) === i) adjacency[i]!.push(target);
    });
  });

  for (const component of findCyclicComponents(adjacency)) {
    const start = component[0]!;
    const cycle = shortestCycle(start, new Set(component), adjacency);
    const names = cycle.map((i) => nodes[i]!.id);
    const next = nodes[cycle[1]!]!.id;
    const edge = nodes[start]!.dependsOn.indexOf(next);
    problems.push({
      message: `dependency cycle: ${names.join(" → ")}`,
      hint: "a milestone cannot wait for itself: remove one of these depends_on entries",
      path: ["milestones", start, "depends_on", Math.max(edge, 0)],
    });
  }
  return problems;
}
