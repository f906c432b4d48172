// Mirror trading on a hand-made holdings file: target weights and orders
// worked out by hand in the comments.
import { describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest, strategyAndConfig, type BacktestRequest } from "../../src/backtest/job.ts";
import type { EngineEvent } from "../../src/backtest/config.ts";
import type { EngineError } from "../../src/core/errors.ts";
import { firstPositions, parseHoldingsCsv, type Holdings } from "../../src/data/holdings.ts";
import { bars } from "../backtest/stubs.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);
const flat = (closes: number[]) => closes.map((c) => [c, c, c, c] as [number, number, number, number]);

// Daily bars from 2020-01-01 (bar 0). AAA gaps from 50 to 40 on bar 2; BBB and CCC do not move.
const AAA = bars(flat([50, 50, 40, 40, 40, 40, 40, 40]), "AAA");
const BBB = bars(flat(Array(8).fill(10)), "BBB");
const CCC = bars(flat(Array(8).fill(25)), "CCC");
const universe = [AAA, BBB, CCC];

// Report dates 2019-12-31 and 2020-01-03; with lagDays 3 they are known on 2020-01-03 (bar 2) and 2020-01-06 (bar 5).
const SHARES = `date,symbol,shares
2019-12-31,AAA,100
2019-12-31,BBB,300
2020-01-03,AAA,100
2020-01-03,CCC,200
`;

const free = { initialCash: 10_000, slippageBps: 0, commissionPerShare: 0 };

/** The orders of a run, by the bar they were decided on: "buy 142 AAA". */
function orders(req: BacktestRequest): { bar: number; order: string; reason?: string }[] {
  const out: { bar: number; order: string; reason?: string }[] = [];
  const onEvent = (e: EngineEvent) => {
    if (e.type === "order") out.push({ bar: (e.order.createdAt - T0) / DAY, order: `${e.order.side} ${e.order.quantity} ${e.order.symbol}`, reason: e.order.tag });
  };
  runStrategyBacktest(universe, { ...req, config: { ...free, ...req.config } }, { onEvent });
  return out;
}

describe("mirror trading", () => {
  it("moves the book to each snapshot's weights once its filing lag has passed, and holds in between", () => {
    const seen = orders({ strategy: "mirror", params: { lagDays: 3 }, holdings: SHARES });
    // Bar 2: AAA 100 x 40 = 4,000, BBB 300 x 10 = 3,000: weights 4/7 and 3/7 of 10,000 equity:
    //   AAA 5,714.29 / 40 = 142.86 -> 142, BBB 4,285.71 / 10 = 428.57 -> 428 (filled at bar 3: cash 40 left).
    // Bar 5: AAA 100 x 40 = 4,000, CCC 200 x 25 = 5,000: weights 4/9, 5/9; BBB is no longer held.
    //   Equity 40 + 142 x 40 + 428 x 10 = 10,000: AAA 111.1 -> 111 (sell 31), BBB 0 (sell 428), CCC 222.2 -> 222 (buy 222).
    expect(seen.map(({ bar, order }) => [bar, order])).toEqual([
      [2, "buy 142 AAA"], [2, "buy 428 BBB"],
      [5, "sell 31 AAA"], [5, "sell 428 BBB"], [5, "buy 222 CCC"],
    ]);
    expect(seen[0].reason).toBe("mirror: holdings of 2019-12-31, known 2020-01-03: AAA 57.1%, BBB 42.9%");
    expect(seen[2].reason).toBe("mirror: holdings of 2020-01-03, known 2020-01-06: CCC 55.6%, AAA 44.4%");
    const bt = new Backtest(universe, ...strategyAndConfig({ strategy: "mirror", params: { lagDays: 3 }, holdings: SHARES, config: free }, ["AAA", "BBB", "CCC"]));
    bt.run();
    // Cash 40 + 31 x 40 + 428 x 10 - 222 x 25 = 10.
    expect(bt.snapshot().cash).toBe("10");
    expect(bt.snapshot().positions.map((p) => [p.symbol, p.quantity])).toEqual([["AAA", "111"], ["CCC", "222"]]);
  });

  it("scales to the position fraction, caps each weight, and reads reported values as they are", () => {
    // Half the equity: AAA 10,000 x 0.5 x 4/7 / 40 = 71.4 -> 71, BBB 10,000 x 0.5 x 3/7 / 10 = 214.3 -> 214.
    expect(orders({ strategy: "mirror", params: { lagDays: 3 }, holdings: SHARES, config: { positionFraction: 0.5 } }).slice(0, 2).map((o) => o.order))
      .toEqual(["buy 71 AAA", "buy 214 BBB"]);
    // Capped at 0.5: AAA 5,000 / 40 = 125; BBB keeps 3/7: 428.
    expect(orders({ strategy: "mirror", params: { lagDays: 3, maxWeight: 0.5 }, holdings: SHARES }).slice(0, 2).map((o) => o.order))
      .toEqual(["buy 125 AAA", "buy 428 BBB"]);
    // Dollar values 6,000 and 2,000 are weights 0.75 and 0.25 whatever the prices: AAA 7,500 / 40 = 187.5 -> 187, BBB 250.
    const VALUES = "date,symbol,value\n2019-12-31,AAA,6000\n2019-12-31,BBB,2000\n";
    expect(orders({ strategy: "mirror", params: { lagDays: 3 }, holdings: VALUES }).map((o) => [o.bar, o.order])).toEqual([[2, "buy 187 AAA"], [2, "buy 250 BBB"]]);
  });

  it("acts on nothing before a snapshot is known: the 45-day default lag is past these bars", () => {
    expect(orders({ strategy: "mirror", holdings: SHARES })).toEqual([]);
    // Both snapshots known by the first bar (lag 0 from dates before the run): the latest stands.
    const early = "date,symbol,shares\n2019-11-30,BBB,10\n2019-12-15,CCC,10\n";
    expect(orders({ strategy: "mirror", params: { lagDays: 0 }, holdings: early }).map((o) => [o.bar, o.order])).toEqual([[0, "buy 400 CCC"]]);
  });

  it("needs a series for every symbol it holds, and holdings, naming the row", () => {
    const error = (req: BacktestRequest, symbols = ["AAA", "BBB", "CCC"]) => {
      try {
        strategyAndConfig(req, symbols);
      } catch (e) {
        return { message: (e as EngineError).message, field: (e as EngineError).field, row: (e as EngineError).row };
      }
      throw new Error("accepted");
    };
    expect(error({ strategy: "mirror", holdings: SHARES }, ["AAA", "BBB"])).toEqual({
      message: "holdings, row 4: CCC has no bar series; give its bars (a --data file or an entry of series named CCC) or remove it from the holdings",
      field: "symbol", row: 4,
    });
    expect(error({ strategy: "mirror" })).toEqual({ message: 'mirror needs holdings: the text of a CSV file of date,symbol,shares (or value) rows, got nothing', field: "holdings", row: undefined });
    expect(error({ strategy: "momentum", holdings: SHARES }).field).toBe("holdings");
    expect(error({ strategy: "mirror", holdings: "date,symbol,shares\n2020-02-30,AAA,1\n" })).toEqual({
      message: 'holdings, row 1: date must be a YYYY-MM-DD date, got "2020-02-30"', field: "date", row: 1,
    });
  });

  it("checks the series against holdings already parsed, or only their symbols' first rows, as against the text", () => {
    const text = "date,symbol,shares\n2020-01-03,DDD,5\n2019-12-31,AAA,100\n2020-01-03,AAA,100\n2019-12-31,CCC,1\n2020-01-03,CCC,200\n";
    const firsts = firstPositions(parseHoldingsCsv(text, "holdings"));
    expect(firsts.snapshots.flatMap((s) => s.positions.map((p) => `${p.symbol}@${p.row}`))).toEqual(["AAA@2", "CCC@4", "DDD@1"]);
    const error = (read: { holdings?: Holdings }, symbols: string[]) => {
      try {
        strategyAndConfig({ strategy: "mirror", holdings: read.holdings ? "" : text }, symbols, read);
      } catch (e) {
        return (e as EngineError).message;
      }
      return "accepted";
    };
    for (const symbols of [["AAA"], ["AAA", "CCC"], ["AAA", "DDD"], ["AAA", "CCC", "DDD"]]) {
      const expected = error({}, symbols);
      expect(error({ holdings: parseHoldingsCsv(text, "holdings") }, symbols), symbols.join()).toBe(expected);
      expect(error({ holdings: firsts }, symbols), symbols.join()).toBe(expected);
    }
    expect(error({}, ["AAA"])).toBe("holdings, row 4: CCC has no bar series; give its bars (a --data file or an entry of series named CCC) or remove it from the holdings");
  });
});
