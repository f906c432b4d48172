import { describe, expect, it } from "vitest";
import type { Tick } from "../../src/core/data.ts";
import { TimeBarAggregator, VolumeBarAggregator } from "../../src/feeds/aggregator.ts";
import type { MarketEvent } from "../../src/feeds/market-data.ts";
import { parseTimeframe, windowEnd } from "../../src/feeds/timeframe.ts";

const t = (symbol: string, time: number, price: number, size = 1): Tick => ({ symbol, time, price, size });
const M = 60_000;

describe("TimeBarAggregator", () => {
  it("cuts 1-minute bars per symbol stamped with the window's end, skipping empty windows and late trades", () => {
    const out: MarketEvent[] = [];
    const agg = new TimeBarAggregator(parseTimeframe("1m"), (e) => out.push(e));
    agg.trade(t("AAPL", 0, 10, 5));
    agg.trade(t("AAPL", 30_000, 12, 1));
    agg.trade(t("MSFT", 10_000, 300, 2));
    agg.trade(t("AAPL", 59_999, 9, 2));
    agg.trade(t("AAPL", 3 * M + 1, 11, 4)); // closes AAPL's first minute; minutes 1-2 had no trades
    agg.trade(t("AAPL", 2 * M, 99, 1)); // late: its minute was already emitted as empty
    expect(agg.late).toBe(1);
    expect(agg.nextEnd).toBe(M); // MSFT's first minute is still open
    agg.flush(M);
    agg.flushAll();
    expect(out).toEqual([
      { kind: "bar", symbol: "AAPL", bar: { time: M, open: 10, high: 12, low: 9, close: 9, volume: 8 }, timeframe: { amount: 1, unit: "minute" } },
      { kind: "bar", symbol: "MSFT", bar: { time: M, open: 300, high: 300, low: 300, close: 300, volume: 2 }, timeframe: { amount: 1, unit: "minute" } },
      { kind: "bar", symbol: "AAPL", bar: { time: 4 * M, open: 11, high: 11, low: 11, close: 11, volume: 4 }, timeframe: { amount: 1, unit: "minute" } },
    ]);
  });

  it("bars of any interval line up with the epoch (or a given origin), and 5 one-minute bars make one 5-minute bar", () => {
    const five: MarketEvent[] = [];
    const one: MarketEvent[] = [];
    const a5 = new TimeBarAggregator(parseTimeframe("5min"), (e) => five.push(e));
    const a1 = new TimeBarAggregator(parseTimeframe("1m"), (e) => one.push(e));
    const start = Date.UTC(2026, 0, 5, 14, 30);
    for (let i = 0; i < 600; i++) {
      const trade = t("SPY", start + i * 1000, 500 + Math.sin(i / 7) * 3, 1 + (i % 5));
      a5.trade(trade);
      a1.trade(trade);
    }
    a5.flushAll();
    a1.flushAll();
    expect(five.map((e) => (e.kind === "bar" ? e.bar.time : 0))).toEqual([start + 5 * M, start + 10 * M]);
    const first5 = one.slice(0, 5).map((e) => (e as Extract<MarketEvent, { kind: "bar" }>).bar);
    const bar5 = (five[0] as Extract<MarketEvent, { kind: "bar" }>).bar;
    expect(bar5).toEqual({
      time: first5[4].time, open: first5[0].open, close: first5[4].close, high: Math.max(...first5.map((b) => b.high)),
      low: Math.min(...first5.map((b) => b.low)), volume: first5.reduce((s, b) => s + b.volume, 0),
    });
    const out: number[] = [];
    const shifted = new TimeBarAggregator(parseTimeframe("1h"), (e) => out.push((e as { bar: { time: number } }).bar.time), 30 * M);
    shifted.trade(t("X", 31 * M, 1));
    shifted.flushAll();
    expect(out).toEqual([90 * M]);
    expect(() => new TimeBarAggregator(parseTimeframe("1mo"), () => {})).toThrow("time bars need a fixed interval");
  });
});

describe("VolumeBarAggregator", () => {
  it("makes bars of exactly the volume asked, splitting a large trade across bars", () => {
    const out: MarketEvent[] = [];
    const agg = new VolumeBarAggregator(100, (e) => out.push(e));
    agg.trade(t("AAPL", 1, 10, 60));
    agg.trade(t("AAPL", 2, 11, 250)); // 40 finish bar 1, 100 make bar 2, 100 bar 3, 10 start bar 4
    agg.trade(t("AAPL", 3, 9, 5));
    agg.flushAll();
    const bars = out.map((e) => (e as Extract<MarketEvent, { kind: "bar" }>).bar);
    expect(bars).toEqual([
      { time: 2, open: 10, high: 11, low: 10, close: 11, volume: 100 },
      { time: 2, open: 11, high: 11, low: 11, close: 11, volume: 100 },
      { time: 2, open: 11, high: 11, low: 11, close: 11, volume: 100 },
      { time: 3, open: 11, high: 11, low: 9, close: 9, volume: 15 },
    ]);
    expect(() => new VolumeBarAggregator(0, () => {})).toThrow("volume per bar must be a positive number, got 0");
  });
});

describe("timeframes", () => {
  it("parse the vendors' spellings and give window ends, months by the calendar", () => {
    expect(["1m", "5Min", "15 minutes", "1h", "1Hour", "1d", "1Day", "1w", "3mo", "1Month", "30s"].map((s) => parseTimeframe(s))).toEqual([
      { amount: 1, unit: "minute" }, { amount: 5, unit: "minute" }, { amount: 15, unit: "minute" }, { amount: 1, unit: "hour" },
      { amount: 1, unit: "hour" }, { amount: 1, unit: "day" }, { amount: 1, unit: "day" }, { amount: 1, unit: "week" },
      { amount: 3, unit: "month" }, { amount: 1, unit: "month" }, { amount: 30, unit: "second" },
    ]);
    expect(() => parseTimeframe("fast")).toThrow('timeframe must be an amount and a unit such as "1m"');
    expect(windowEnd(Date.UTC(2026, 0, 31), parseTimeframe("1mo"))).toBe(Date.UTC(2026, 2, 3)); // Jan 31 + 1 month overflows, as Date does
    expect(windowEnd(Date.UTC(2026, 0, 1), parseTimeframe("1mo"))).toBe(Date.UTC(2026, 1, 1));
  });
});
