/**
 * Token prices: turn an agent's reported token counts into USD with the plan's `worker.prices` table.
 * Responsibilities: find a model's price (exact name, then longest prefix, then "*"), price input/cached/output tokens.
 * Not here: reading tokens from agent output (cost-meter.ts); the schema of the table (core/plan/schema.ts).
 * Invariants: pure; a model without a price is priced `null` (unknown), never 0.
 */

/** USD per million tokens. `cached_input` defaults to `input` when absent. */
export interface TokenPrice {
  input: number;
  cached_input?: number;
  output: number;
}

export type PriceTable = Readonly<Record<string, TokenPrice>>;

export interface TokenCounts {
  /** Uncached input tokens. */
  input: number;
  cachedInput: number;
  /** Output tokens, reasoning/thinking included. */
  output: number;
}

export function priceFor(prices: PriceTable, model: string | undefined): TokenPrice | undefined {
  if (model !== undefined) {
    if (prices[model]) return prices[model];
    let best: string | undefined;
    for (const key of Object.keys(prices)) {
      if (key !== "*" && model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
    }
    if (best !== undefined) return prices[best];
  }
  return prices["*"];
}

export function priceTokens(prices: PriceTable, model: string | undefined, tokens: TokenCounts): number | null {
  const price = priceFor(prices, model);
  if (!price) return null;
  const cached = price.cached_input ?? price.input;
  return (tokens.input * price.input + tokens.cachedInput * cached + tokens.output * price.output) / 1_000_000;
}
