/**
 * Gantt rendering of a schedule: Mermaid `gantt` (one section per worker) and terminal lanes.
 * Responsibilities: draw who ran what when, from a simulated or recorded schedule (times in seconds).
 * Not here: computing schedules (core/schedule/simulate.ts).
 * Invariants: pure; task names are sanitised so any title renders; lanes are scaled to a fixed width.
 */
import { formatDuration } from "../plan/duration.js";

export interface GanttBar {
  id: string;
  title?: string;
  start: number;
  end: number;
  worker: number;
}

function safeName(text: string): string {
  return text.replace(/[:;#\n]/g, " ").replace(/\s+/g, " ").trim();
}

export function renderMermaidGantt(bars: readonly GanttBar[], title: string): string {
  const lines = ["gantt", `  title ${safeName(title)}`, "  dateFormat X", "  axisFormat %H:%M:%S"];
  const workers = [...new Set(bars.map((b) => b.worker))].sort((a, b) => a - b);
  for (const w of workers) {
    lines.push(`  section worker ${w + 1}`);
    bars.filter((b) => b.worker === w).forEach((b, i) => {
      const name = safeName(b.title ? `${b.id} ${b.title}` : b.id);
      lines.push(`  ${name} :w${w}t${i}, ${Math.round(b.start)}, ${Math.max(Math.round(b.end), Math.round(b.start) + 1)}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

/** `worker 1 |██M001██|░░M003░░░|` lanes, `width` columns for the whole makespan. */
export function renderTextGantt(bars: readonly GanttBar[], width = 60): string {
  const end = Math.max(0, ...bars.map((b) => b.end));
  if (end === 0) return "";
  const workers = [...new Set(bars.map((b) => b.worker))].sort((a, b) => a - b);
  const scale = width / end;
  const lines = workers.map((w) => {
    const lane = Array.from({ length: width }, () => " ");
    for (const b of bars.filter((x) => x.worker === w)) {
      const from = Math.min(width - 1, Math.floor(b.start * scale));
      const to = Math.max(from + 1, Math.min(width, Math.round(b.end * scale)));
      for (let c = from; c < to; c++) lane[c] = "█";
      const label = b.id.slice(0, Math.max(0, to - from));
      for (let c = 0; c < label.length; c++) lane[from + c] = label[c]!;
    }
    return `  worker ${String(w + 1).padEnd(2)} |${lane.join("")}|`;
  });
  lines.push(`  ${" ".repeat(10)}0${" ".repeat(Math.max(1, width - formatDuration(end).length))}${formatDuration(end)}`);
  return `${lines.join("\n")}\n`;
}
