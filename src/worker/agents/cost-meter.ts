/**
 * Cost meters: how much one agent run cost, read line by line from its stdout while it runs and settled at its end.
 * Responsibilities: Claude Code `json` (object or `--verbose` array) and `stream-json` (per-message usage, deduplicated
 * by message id, until the result line's `total_cost_usd`), Codex `--json` `turn.completed` usage, Gemini
 * `stats.models.*` tokens (json and stream-json), aider's `Cost: $X message, $Y session.` line, `cost-file`, `none`.
 * Not here: splitting output into lines (output-lines.ts), prices (prices.ts), summing tasks (worker-loop.ts).
 * Invariants: pure; unknown or unreadable cost is `null`, never 0 (only `none` means free); a meter never throws.
 */
import type { PriceTable, TokenCounts } from "./prices.js";
import { priceTokens } from "./prices.js";

export const COST_FORMATS = ["claude-json", "codex-jsonl", "gemini-json", "aider", "cost-file", "none"] as const;
export type CostFormat = (typeof COST_FORMATS)[number];

export interface CostMeter {
  /** One line of stdout (ANSI stripped; `truncated` when it was longer than the parse cap and was cut). */
  line(text: string, truncated?: boolean): void;
  /** Best known cost so far, or null while unknown. */
  current(): number | null;
  /** The run's cost once it ended: `stdoutTail` is the last part of stdout, `costFile` the cost file's contents. */
  finish(input: { stdoutTail: string; costFile: string }): number | null;
}

export interface CostMeterOptions {
  prices?: PriceTable;
  /** The model the plan names (`worker.model`): prices output that does not name its model (Codex). */
  model?: string;
}

type Json = Record<string, unknown>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

function usd(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function sumPriced(parts: Array<number | null>): number | null {
  if (parts.length === 0) return null;
  let total = 0;
  for (const p of parts) {
    if (p === null) return null;
    total += p;
  }
  return total;
}

/** Claude Code: the result's `total_cost_usd` when seen, else the per-message usage seen so far, priced. */
function claudeMeter(options: CostMeterOptions): CostMeter {
  let final: number | undefined;
  const messages = new Map<string, { model?: string; tokens: TokenCounts }>();
  let lastId: string | undefined;
  const usageOf = (u: Json): TokenCounts => ({
    input: num(u.input_tokens) + num(u.cache_creation_input_tokens),
    cachedInput: num(u.cache_read_input_tokens),
    output: num(u.output_tokens),
  });
  const remember = (message: Json): void => {
    if (typeof message.id !== "string" || !isObject(message.usage)) return;
    const known = messages.get(message.id);
    const tokens = usageOf(message.usage);
    // The same message repeats once per content block; keep the largest output count seen.
    if (known) tokens.output = Math.max(tokens.output, known.tokens.output);
    messages.set(message.id, { model: typeof message.model === "string" ? message.model : known?.model, tokens });
    lastId = message.id;
  };
  const take = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(take);
    if (!isObject(value)) return;
    if (value.type === "result") {
      const cost = usd(value.total_cost_usd) ?? usd(value.cost_usd);
      if (cost !== undefined) final = cost;
    } else if (value.type === "assistant" && isObject(value.message)) {
      remember(value.message);
    } else if (value.type === "stream_event" && isObject(value.event)) {
      const event = value.event;
      if (event.type === "message_start" && isObject(event.message)) remember(event.message);
      if (event.type === "message_delta" && isObject(event.usage) && lastId) {
        const m = messages.get(lastId);
        if (m) m.tokens.output = Math.max(m.tokens.output, num(event.usage.output_tokens));
      }
    }
  };
  const current = (): number | null => {
    if (final !== undefined) return final;
    const prices = options.prices ?? {};
    return sumPriced([...messages.values()].map((m) => priceTokens(prices, m.model ?? options.model, m.tokens)));
  };
  return {
    line(text, truncated) {
      if (truncated) return;
      const t = text.trim();
      if (t.startsWith("{") || t.startsWith("[")) take(parseJson(t));
    },
    current,
    finish({ stdoutTail }) {
      // `--output-format json` pretty-printed by a wrapper, or a result the line splitter could not see whole.
      if (final === undefined) take(parseJson(stdoutTail.trim()));
      return current();
    },
  };
}

/** Codex `exec --json`: every `turn.completed` usage, priced by the plan's model (Codex does not name it). */
function codexMeter(options: CostMeterOptions): CostMeter {
  const turns: TokenCounts[] = [];
  const current = (): number | null => sumPriced(turns.map((t) => priceTokens(options.prices ?? {}, options.model, t)));
  return {
    line(text, truncated) {
      if (truncated) return;
      const value = parseJson(text.trim());
      if (!isObject(value) || value.type !== "turn.completed" || !isObject(value.usage)) return;
      const u = value.usage;
      const cached = num(u.cached_input_tokens);
      // Reasoning tokens are part of output_tokens, as in the Responses API's usage.
      turns.push({ input: Math.max(0, num(u.input_tokens) - cached), cachedInput: cached, output: num(u.output_tokens) });
    },
    current,
    finish: () => current(),
  };
}

/** Gemini CLI: `stats.models.<model>` of the json output (`tokens`) or of the stream-json `result` line. */
function geminiMeter(options: CostMeterOptions): CostMeter {
  let cost: number | null = null;
  const take = (value: unknown): void => {
    if (!isObject(value)) return;
    const stats = value.stats;
    if (!isObject(stats) || !isObject(stats.models)) return;
    const parts: Array<number | null> = [];
    for (const [model, s] of Object.entries(stats.models)) {
      if (!isObject(s)) continue;
      const t = isObject(s.tokens) ? s.tokens : undefined;
      const tokens: TokenCounts = t
        ? { input: num(t.input), cachedInput: num(t.cached), output: num(t.candidates) + num(t.thoughts) }
        : { input: num(s.input), cachedInput: num(s.cached), output: Math.max(num(s.output_tokens), num(s.total_tokens) - num(s.input_tokens)) };
      parts.push(priceTokens(options.prices ?? {}, model, tokens));
    }
    cost = sumPriced(parts);
  };
  return {
    line(text, truncated) {
      if (!truncated && text.startsWith("{")) take(parseJson(text));
    },
    current: () => cost,
    finish({ stdoutTail }) {
      if (cost === null) take(parseJson(stdoutTail.trim()));
      return cost;
    },
  };
}

const AIDER_COST = /Cost: \$([0-9]+(?:\.[0-9]+)?) message, \$([0-9]+(?:\.[0-9]+)?) session\./;

/** aider: the session total of the last `Cost:` line (each weave task is a new aider session). */
function aiderMeter(): CostMeter {
  let session: number | null = null;
  return {
    line(text) {
      const m = AIDER_COST.exec(text);
      if (m) session = Number(m[2]);
    },
    current: () => session,
    finish: () => session,
  };
}

/** Sum of `usd` (or `cost_usd`) over JSON lines of $WEAVE_COST_FILE; null when it holds none. */
export function readCostFile(text: string): number | null {
  let total: number | null = null;
  for (const line of text.split("\n")) {
    const value = line.trim() ? parseJson(line) : undefined;
    if (!isObject(value)) continue;
    const cost = usd(value.usd) ?? usd(value.cost_usd);
    if (cost !== undefined) total = (total ?? 0) + cost;
  }
  return total;
}

export function createCostMeter(format: CostFormat, options: CostMeterOptions = {}): CostMeter {
  switch (format) {
    case "claude-json":
      return claudeMeter(options);
    case "codex-jsonl":
      return codexMeter(options);
    case "gemini-json":
      return geminiMeter(options);
    case "aider":
      return aiderMeter();
    case "cost-file":
      return { line: () => undefined, current: () => null, finish: ({ costFile }) => readCostFile(costFile) };
    case "none":
      return { line: () => undefined, current: () => 0, finish: () => 0 };
  }
}

/** Reads a whole stdout at once (tests, the resolve run): the same meter fed line by line. */
export function readCost(format: CostFormat, stdout: string, options: CostMeterOptions & { costFile?: string } = {}): number | null {
  const meter = createCostMeter(format, options);
  for (const line of stdout.split("\n")) meter.line(line);
  return meter.finish({ stdoutTail: stdout, costFile: options.costFile ?? "" });
}
