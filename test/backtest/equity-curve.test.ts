import { describe, expect, it } from "vitest";
import { Backtest, runBacktest } from "../../src/backtest/engine.ts";
import { TestClock } from "../../src/core/clock.ts";
import { TradingEngine } from "../../src/execution/engine.ts";
import { BarBuffer } from "../../src/execution/history.ts";
import { SimulatedVenue } from "../../src/execution/venue.ts";
import { bars, scripted } from "./stubs.ts";

const rows: [number, number, number, number][] = [
  [100, 101, 99, 100], [100, 102, 99, 101], [102, 104, 101, 103], [103, 106, 102, 105], [104, 105, 100, 101], [101, 103, 100, 102],
];
const path = bars(rows);
const plan = { 1: "long", 3: "flat", 4: "long" } as const;

describe("the equity curve a report keeps", () => {
  it("is the run's own curve at the end, and a report made midway keeps its values as the run goes on", () => {
    const whole = runBacktest(path, scripted(plan), { initialCash: 10_000 });
    const run = new Backtest(path, scripted(plan), { initialCash: 10_000 });
    for (let i = 0; i < 3; i++) run.step();
    const midway = run.report();
    const seen = [...midway.equity.equity];
    while (!run.done) run.step();
    const end = run.report();
    expect(midway.equity.equity).toEqual(seen);
    expect(midway.equity.equity).toEqual(whole.equity.equity.slice(0, 3));
    expect(end.equity.equity).toEqual(whole.equity.equity);
    expect(end.equity.equity).toHaveLength(rows.length);
  });

  it("is never changed by the engine growing past the bars it was sized for", () => {
    const venue = new SimulatedVenue({ initialCash: 10_000, slippageBps: 0, commissionPerShare: 0, commissionPerOrder: 0 });
    const clock = new TestClock();
    const engine = new TradingEngine([{ symbol: "TEST", strategy: null, history: new BarBuffer() }], { initialCash: 10_000, positionFraction: 1, checks: [] }, clock, venue, 2);
    const step = (i: number) => {
      const bar = { time: path.time[i], open: path.open[i], high: path.high[i], low: path.low[i], close: path.close[i], volume: path.volume[i] };
      clock.set(bar.time);
      engine.beginBars([{ symbol: "TEST", bar }]);
      venue.onBar("TEST", bar);
      engine.onBars([{ symbol: "TEST", bar }]);
      engine.flush();
    };
    step(0);
    step(1);
    const full = engine.equity;
    expect(full).toEqual([10_000, 10_000]);
    for (let i = 2; i < rows.length; i++) step(i);
    expect(full).toEqual([10_000, 10_000]);
    expect(engine.equity).toHaveLength(rows.length);
  });
});
