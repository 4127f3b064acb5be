// @vitest-environment happy-dom
/**
 * Every Mermaid text weave emits (plan graph, status DAG with states, simulated Gantt) is read by Mermaid's own
 * parser: the diagram parses, and it holds exactly the tasks and nodes weave meant, at the times it meant.
 */
import fc from "fast-check";
import mermaid from "mermaid";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../src/core/plan/parse-plan.js";
import type { GanttBar } from "../../../src/core/render/gantt.js";
import { renderMermaidGantt } from "../../../src/core/render/gantt.js";
import { renderMermaidGraph } from "../../../src/core/render/plan-graph-render.js";

interface GanttTask { task: string; startTime: Date; endTime: Date }
interface Diagram { db: { getTasks?: () => GanttTask[]; getVertices?: () => Map<string, { text?: string }> } }
const api = mermaid as unknown as { parse(text: string): Promise<unknown>; mermaidAPI: { getDiagramFromText(text: string): Promise<Diagram> } };

async function read(text: string): Promise<Diagram> {
  await api.parse(text);
  return api.mermaidAPI.getDiagramFromText(text);
}

const HOSTILE = ["click", "section", "todayMarker off", "title", "dateFormat X", "excludes weekends", "accTitle: x", "%% hidden", "2024-01-01",
  "a:b", "a;b", "a # b", "line\nbreak", "```\n# out of the fence", "call x()", "href \"x\"", "weekday monday", "\"quoted\"", "  "];

describe("Mermaid Gantt (dateFormat x, milliseconds)", () => {
  it("puts every bar where it belongs: start and end in the same unit", async () => {
    const bars: GanttBar[] = [{ id: "M1", start: 0, end: 5, worker: 0 }, { id: "M2", start: 5, end: 12.5, worker: 0 }, { id: "M3", start: 2, end: 9, worker: 1 }];
    const tasks = (await read(renderMermaidGantt(bars, "plan"))).db.getTasks!();
    expect(tasks.map((t) => [t.task.trim(), t.startTime.getTime(), t.endTime.getTime()])).toEqual([["M1", 0, 5000], ["M2", 5000, 12500], ["M3", 2000, 9000]]);
  });

  it("keeps one task per bar whatever the ids and titles say", async () => {
    const bars: GanttBar[] = HOSTILE.map((title, i) => ({ id: i % 2 ? title : "M", title: i % 2 ? undefined : title, start: i, end: i + 1, worker: i % 3 }));
    const text = renderMermaidGantt(bars, "title\nwith ``` fence");
    expect(text).not.toContain("`");
    const tasks = (await read(text)).db.getTasks!();
    expect(tasks).toHaveLength(bars.length);
  });

  it("any printable title gives one task per bar (property)", async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: "grapheme-ascii", maxLength: 20 }), { minLength: 1, maxLength: 5 }), async (titles) => {
      const bars = titles.map((title, i) => ({ id: `M${i}`, title, start: i, end: i + 1, worker: 0 }));
      expect((await read(renderMermaidGantt(bars, titles[0]!))).db.getTasks!()).toHaveLength(bars.length);
    }), { numRuns: 60 });
  });
});

describe("Mermaid flowchart (plan graph and the status DAG)", () => {
  it("parses with hostile titles and every state colour, one node per milestone", async () => {
    const milestones = HOSTILE.map((title, i) => `  - { id: m${i}, title: ${JSON.stringify(title)}, tasks: [t]${i ? `, depends_on: [m${i - 1}]` : ""} }`).join("\n");
    const plan = parsePlan(`version: 1\nworker: { command: x }\nmilestones:\n${milestones}\n`, "weave.yml");
    const states = ["merged", "failed", "running", "skipped", "conflict", "eligible", "paused", "stale", "finished", "stopped"] as const;
    const text = renderMermaidGraph(plan, new Map(plan.milestones.map((m, i) => [m.id, states[i % states.length]!])));
    expect(text).not.toContain("`");
    const vertices = (await read(text)).db.getVertices!();
    expect(vertices.size).toBe(plan.milestones.length);
    expect(vertices.get("n1")?.text).toContain("section");
  });
});
