/**
 * Gantt rendering of a schedule: Mermaid `gantt` (one section per worker) and terminal lanes.
 * Responsibilities: draw who ran what when, from a simulated or recorded schedule (times in seconds).
 * Not here: computing schedules (core/schedule/simulate.ts).
 * Invariants: pure; any id or title renders as one task (keywords, newlines and backticks neutralised; checked with
 * Mermaid's own parser in tests); lanes are scaled to a fixed width.
 */
import { formatDuration } from "../plan/duration.js";

export interface GanttBar {
  id: string;
  title?: string;
  start: number;
  end: number;
  worker: number;
}

/**
 * Gantt text is lexed by keywords at the start of a token (`click`, `section`, `todayMarker`, `title`, `%%` comments,
 * a leading date…, case-insensitive) and ends at `:`, `;`, `#` or a newline. A name that could start like a keyword
 * gets a neutral lead character; backticks (which could close a Markdown fence) become quotes.
 */
const GANTT_KEYWORD = /^(%|"|href|call|click|gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|accdescription|accdescr|acctitle|section|vert|\d{4}-\d\d-\d\d|[{}()])/i;

export function ganttName(text: string): string {
  const flat = text.replace(/[:;#\r\n\u2028\u2029]/g, " ").replace(/`/g, "'").replace(/\s+/g, " ").trim() || "untitled";
  return GANTT_KEYWORD.test(flat) ? `▸ ${flat}` : flat;
}

/** Times in seconds from the start of the run; Mermaid reads them as milliseconds (`dateFormat x`), parsed the same on both ends. */
export function renderMermaidGantt(bars: readonly GanttBar[], title: string): string {
  const lines = ["gantt", `  title ${ganttName(title)}`, "  dateFormat x", "  axisFormat %H:%M:%S"];
  const workers = [...new Set(bars.map((b) => b.worker))].sort((a, b) => a - b);
  for (const w of workers) {
    lines.push(`  section worker ${w + 1}`);
    bars.filter((b) => b.worker === w).forEach((b, i) => {
      const name = ganttName(b.title ? `${b.id} ${b.title}` : b.id);
      const start = Math.round(b.start * 1000);
      const end = Math.max(Math.round(b.end * 1000), start + 1000);
      lines.push(`  ${name} :w${w}t${i}, ${start}, ${end}`);
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
