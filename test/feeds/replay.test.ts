// Replays of files and the synthetic generator, paced on a manual clock:
// no test sleeps, and the pacing is checked to the millisecond.
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import type { BarSeries } from "../../src/core/data.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { TimeBarAggregator } from "../../src/feeds/aggregator.ts";
import { EventBus, publishMarketEvent } from "../../src/feeds/bus.ts";
import type { FeedStatus, MarketEvent } from "../../src/feeds/market-data.ts";
import { replayFeed, replayFile, syntheticFeed } from "../../src/feeds/replay.ts";
import { parseTimeframe } from "../../src/feeds/timeframe.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { formatDates } from "../../src/core/dates.ts";

const series = (n: number, symbol = "SYN", stepMs = 60_000, seed = 1) => syntheticBars({ n, seed, stepMs, symbol, start: Date.UTC(2026, 0, 5, 14, 30) });

function listen(feed: { subscribe: (c: { bars: string[] }, l: { onEvent: (e: MarketEvent) => void; onStatus: (s: FeedStatus) => void }) => unknown }, clock?: ManualClock) {
  const got: Array<{ at: number; e: MarketEvent }> = [];
  const statuses: FeedStatus[] = [];
  feed.subscribe({ bars: ["*"] }, { onEvent: (e) => got.push({ at: clock?.now() ?? 0, e }), onStatus: (s) => statuses.push(s) });
  return { got, statuses };
}

const closes = (events: Array<{ e: MarketEvent }>) => events.map(({ e }) => (e as Extract<MarketEvent, { kind: "bar" }>).bar.close);

describe("replay", () => {
  it("delivers bar i at i / speed seconds on the injected clock, and catches up without drift when timers run late", async () => {
    const clock = new ManualClock(1_000_000);
    const s = series(50);
    const feed = replayFeed(s, { speed: 2, timers: clock, timeframe: parseTimeframe("1m") });
    const { got, statuses } = listen(feed, clock);
    clock.advance(1600);
    expect(got.map((g) => g.at - 1_000_000)).toEqual([0, 500, 1000, 1500]);
    expect(got[0].e).toEqual({ kind: "bar", symbol: "SYN", bar: { time: s.time[0], open: s.open[0], high: s.high[0], low: s.low[0], close: s.close[0], volume: s.volume[0] }, timeframe: { amount: 1, unit: "minute" } });
    clock.advance(20_000 - 1600); // one late wake-up: everything due goes out at once
    expect(got).toHaveLength(41);
    expect(clock.pendingDelays).toEqual([500]);
    clock.advance(10_000);
    await feed.done;
    expect(closes(got)).toEqual([...s.close]);
    expect(statuses).toEqual([{ state: "live" }, { state: "closed", reason: "end of data after 50 bars" }]);
  });

  it("at speed 0 delivers as fast as possible in slices, yielding between them", async () => {
    const clock = new ManualClock(0);
    const s = series(2500);
    const feed = replayFeed(s, { speed: 0, timers: clock, sliceSize: 1000 });
    const { got } = listen(feed, clock);
    expect(clock.runDue()).toBe(1);
    expect(got).toHaveLength(1000); // one slice, then a zero-delay timer for the next
    expect(clock.pendingDelays).toEqual([0]);
    clock.runDue();
    expect(got).toHaveLength(2000);
    clock.runDue();
    await feed.done;
    expect(got).toHaveLength(2500);
    expect(clock.now()).toBe(0);
    expect(closes(got)).toEqual([...s.close]);
  });

  it("merges several symbols by time, and serves their bars as history", async () => {
    const clock = new ManualClock(0);
    const a = series(3, "AAA", 60_000, 1), b = series(3, "BBB", 60_000, 2);
    const shifted: BarSeries = { ...b, time: b.time.map((t) => t + 30_000) };
    const feed = replayFeed([a, shifted], { speed: 0, timers: clock });
    const { got } = listen(feed, clock);
    clock.advance(0);
    await feed.done;
    expect(got.map(({ e }) => (e as { symbol: string }).symbol)).toEqual(["AAA", "BBB", "AAA", "BBB", "AAA", "BBB"]);
    const h = await feed.historicalBars({ symbol: "BBB", timeframe: parseTimeframe("1m"), start: shifted.time[1], end: shifted.time[2] });
    expect([...h.close]).toEqual([b.close[1], b.close[2]]);
    await expect(feed.historicalBars({ symbol: "ZZZ", timeframe: parseTimeframe("1m"), start: 0, end: 1 })).rejects.toThrow("the replay has no bars for ZZZ; it has AAA, BBB");
    await expect(feed.latestQuote("AAA")).rejects.toThrow("replay replays bars and has no quotes");
    expect(() => replayFeed(a, { speed: -1 })).toThrow("speed must be a number of bars per second >= 0 (0: as fast as possible), got -1");
  });

  it("replays a CSV file and a Parquet file of the same bars to the same events", async () => {
    const s = series(20);
    const csv = new TextEncoder().encode(toCsv(["date", "open", "high", "low", "close", "volume"], [formatDates(s.time), s.open, s.high, s.low, s.close, s.volume]));
    const parquet = new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: "timestamp", data: [...s.time].map((t) => new Date(t)), type: "TIMESTAMP" },
        ...(["open", "high", "low", "close"] as const).map((name) => ({ name, data: s[name], type: "DOUBLE" as const })),
        { name: "volume", data: BigInt64Array.from([...s.volume].map(BigInt)), type: "INT64" },
      ],
    }));
    const runs = [];
    for (const bytes of [csv, parquet]) {
      const clock = new ManualClock(0);
      const feed = await replayFile(bytes, { symbol: "SYN" }, { speed: 0, timers: clock });
      const { got } = listen(feed, clock);
      clock.advance(0);
      await feed.done;
      runs.push(got.map((g) => g.e));
    }
    expect(runs[0]).toHaveLength(20);
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe("synthetic feed", () => {
  it("streams the generator's bars endlessly in chunks: the first chunk is syntheticBars with the same seed, later ones continue its path", async () => {
    const clock = new ManualClock(0);
    const feed = syntheticFeed({ seed: 7, stepMs: 60_000, start: Date.UTC(2026, 0, 5), chunk: 100, limit: 250 }, { speed: 0, timers: clock });
    const { got, statuses } = listen(feed, clock);
    while (clock.pending) clock.advance(0);
    await feed.done;
    const bars = got.map((g) => (g.e as Extract<MarketEvent, { kind: "bar" }>).bar);
    expect(bars).toHaveLength(250);
    const first = syntheticBars({ n: 100, seed: 7, stepMs: 60_000, start: Date.UTC(2026, 0, 5) });
    expect(bars.slice(0, 100).map((b) => b.close)).toEqual([...first.close]);
    expect(bars.every((b, i) => b.time === Date.UTC(2026, 0, 5) + i * 60_000)).toBe(true);
    expect(bars[100].open).toBe(bars[99].close);
    expect(statuses.at(-1)).toEqual({ state: "closed", reason: "end of data after 250 bars" });
  });
});

describe("one pipeline for every source of bars", () => {
  it("bars replayed from a file and bars aggregated from live ticks reach the same bus consumer in the same shape", async () => {
    const bus = new EventBus();
    const bars = bus.consume("bar");
    const clock = new ManualClock(0);
    const feed = replayFeed(series(2, "AAPL"), { speed: 0, timers: clock, timeframe: parseTimeframe("1m") });
    feed.subscribe({ bars: ["AAPL"] }, { onEvent: (e) => publishMarketEvent(bus, e) });
    clock.advance(0);
    await feed.done;
    const agg = new TimeBarAggregator(parseTimeframe("1m"), (e) => publishMarketEvent(bus, e));
    agg.trade({ symbol: "MSFT", time: 0, price: 10, size: 1 });
    agg.trade({ symbol: "MSFT", time: 30_000, price: 11, size: 2 });
    agg.flush(60_000);
    const received = [bars.shift(), bars.shift(), bars.shift()];
    expect(received.map((e) => [e?.symbol, e?.timeframe])).toEqual([
      ["AAPL", { amount: 1, unit: "minute" }], ["AAPL", { amount: 1, unit: "minute" }], ["MSFT", { amount: 1, unit: "minute" }],
    ]);
    expect(received[2]?.bar).toEqual({ time: 60_000, open: 10, high: 11, low: 10, close: 11, volume: 3 });
  });
});
