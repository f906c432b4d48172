import type { SymbolId } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { isoDate } from "../core/dates.ts";
import type { Holdings, HoldingsSnapshot } from "../data/holdings.ts";
import { resolveParams } from "./params.ts";
import type { BookContext, BookStrategy, BookTargets, StrategyDefinition, StrategyParams } from "./strategy.ts";

const MS_PER_DAY = 86_400_000;

/**
 * Mirror trading: follows the position changes of a reference portfolio
 * from its holdings snapshots (13F style, src/data/holdings.ts). A snapshot
 * is known `lagDays` calendar days after its report date (13F filings are
 * due 45 days after the quarter end), so on the first bar at or after that
 * day, and never before, the book moves to the snapshot's weights: each
 * holding's value over the snapshot's total, where the value is the shares
 * held times the symbol's close on that bar (the reference portfolio as it
 * stands now, had it not traded since), or the reported dollar value.
 * Each weight is capped at maxWeight (the excess stays in cash); symbols
 * the snapshot does not hold are sold. Between snapshots the shares are
 * held as they are. The engine scales the weights by the position fraction
 * and trades whole shares, through the run's risk limits.
 */
export const mirror: StrategyDefinition = {
  name: "mirror",
  description: "mirror trading: follows a reference portfolio's holdings snapshots (13F style), each acted on once its filing lag has passed",
  inputs: { holdings: true, why: "a holdings snapshot file (date,symbol,shares or value) and a series for each symbol it holds" },
  params: [
    { name: "lagDays", type: "integer", default: 45, min: 0, max: 366, description: "days after a snapshot's report date before it is known (13F: 45 after the quarter end)" },
    { name: "maxWeight", type: "number", default: 1, min: 0, max: 1, minExclusive: true, description: "the largest weight of any one symbol; the excess stays in cash" },
  ],
  create() {
    throw new StrategyError("mirror follows a holdings file over the series of the symbols it holds; give both (nt backtest --holdings FILE --data ..., or the API's holdings and series)", { field: "strategy" });
  },
  createBook(given, data) {
    const p = resolveParams("mirror", this.params, given);
    if (data.holdings === undefined) throw new StrategyError("mirror needs holdings: a file of date,symbol,shares (or value) rows", { field: "holdings" });
    for (const snapshot of data.holdings.snapshots) {
      for (const { symbol, row } of snapshot.positions) {
        if (!data.symbols.includes(symbol)) {
          throw new StrategyError(`${symbol} has no bar series; give its bars (a --data file or an entry of series named ${symbol}) or remove it from the holdings`, { source: "holdings", row, field: "symbol" });
        }
      }
    }
    return new Mirror(p, data.holdings, data.symbols);
  },
};

class Mirror implements BookStrategy {
  readonly name = "mirror";
  private readonly lagMs: number;
  private readonly maxWeight: number;
  /** The next snapshot not yet acted on. */
  private next = 0;

  constructor(params: StrategyParams, private readonly holdings: Holdings, private readonly symbols: readonly SymbolId[]) {
    this.lagMs = (params.lagDays as number) * MS_PER_DAY;
    this.maxWeight = params.maxWeight as number;
  }

  onBars(ctx: BookContext): BookTargets | null {
    const { snapshots } = this.holdings;
    let known: HoldingsSnapshot | null = null;
    // Several snapshots may come due on one bar (the first bars of a run): the latest stands.
    while (this.next < snapshots.length && snapshots[this.next].date + this.lagMs <= ctx.time) known = snapshots[this.next++];
    return known === null ? null : this.targets(known, ctx);
  }

  private targets(snapshot: HoldingsSnapshot, ctx: BookContext): BookTargets {
    const value = (symbol: SymbolId, amount: number) => {
      if (this.holdings.measure === "value") return amount;
      const h = ctx.histories.get(symbol)!;
      return amount * h.at(h.length - 1).close;
    };
    const values = snapshot.positions.map((p) => ({ symbol: p.symbol, value: value(p.symbol, p.amount) }));
    const total = values.reduce((sum, v) => sum + v.value, 0);
    const weights: Record<SymbolId, number> = Object.fromEntries(this.symbols.map((s) => [s, 0]));
    for (const v of values) weights[v.symbol] = total > 0 ? Math.min(this.maxWeight, v.value / total) : 0;
    const held = values.filter((v) => weights[v.symbol] > 0).sort((a, b) => weights[b.symbol] - weights[a.symbol]);
    const shown = held.slice(0, 5).map((v) => `${v.symbol} ${(100 * weights[v.symbol]).toFixed(1)}%`).join(", ");
    const more = held.length > 5 ? ` and ${held.length - 5} more` : "";
    return {
      weights,
      reason: `mirror: holdings of ${isoDate(snapshot.date)}, known ${isoDate(snapshot.date + this.lagMs)}: ${shown || "nothing held"}${more}`,
    };
  }
}
