/**
 * Run view: what `weave start` shows while it runs — worker lanes with progress bars and cost against the budget on
 * a terminal, or one timestamped line per event when output is not a terminal (logs, CI, --detach).
 * Responsibilities: render from the run context only; never decide anything.
 * Not here: `weave status` (cli/commands/status.ts shares the table renderer in core/render/status-table.ts).
 * Invariants: the live block is redrawn in place; event lines are never overwritten.
 */
import { WORKER_HELD_STATES } from "../core/lifecycle.js";
import type { RunContext } from "./run-context.js";
import type { RunView } from "./coordinator.js";

function bar(done: number, total: number, width = 12): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

export function renderLanes(ctx: RunContext, workers: number, budgetUsd: number | undefined, now = Date.now()): string[] {
  const lines: string[] = [];
  const active = Object.entries(ctx.state.milestones).filter(([, r]) => WORKER_HELD_STATES.has(r.state));
  for (let slot = 1; slot <= workers; slot++) {
    const entry = active.find(([, r]) => r.slot === slot);
    if (!entry) {
      lines.push(`  worker ${slot}  ${"idle".padEnd(14)}`);
      continue;
    }
    const [id, r] = entry;
    const status = ctx.statuses.get(id);
    const beat = status ? `${Math.max(0, Math.round((now - Date.parse(status.updatedAt)) / 1000))}s ago` : "starting";
    const task = status?.state === "verifying" ? "verifying…" : status?.currentTaskText ?? "";
    lines.push(`  worker ${slot}  ${id.padEnd(14).slice(0, 14)} ${bar(r.tasksDone, r.tasks)} ${r.tasksDone}/${r.tasks}  $${r.costUsd.toFixed(2)}  ♥ ${beat}  ${task.slice(0, 40)}`);
  }
  const records = Object.values(ctx.state.milestones);
  const count = (s: string): number => records.filter((r) => r.state === s).length;
  const cost = records.reduce((n, r) => n + r.costUsd, 0);
  lines.push(`  merged ${count("merged")}/${records.length} · running ${active.length} · failed ${count("failed")} · cost $${cost.toFixed(2)}${budgetUsd !== undefined ? ` / $${budgetUsd.toFixed(2)} budget` : ""}`);
  return lines;
}

export function createRunView(stream: NodeJS.WriteStream | NodeJS.WritableStream, options: { workers: number; budgetUsd?: number; live: boolean }): RunView & { close(ctx?: RunContext): void } {
  const started = Date.now();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  let last: RunContext | undefined;
  const clear = (): void => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (!options.live || !last) return;
    clear();
    const lines = renderLanes(last, options.workers, options.budgetUsd);
    stream.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const stamp = (): string => {
    const s = Math.round((Date.now() - started) / 100) / 10;
    return `[${s.toFixed(1).padStart(6)}s]`;
  };
  return {
    update(ctx) {
      last = ctx;
      if (options.live) {
        draw();
        timer ??= setInterval(draw, 500);
        timer.unref();
      }
    },
    event(ctx, line) {
      last = ctx;
      clear();
      stream.write(`${stamp()} ${line}\n`);
      draw();
    },
    close() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
