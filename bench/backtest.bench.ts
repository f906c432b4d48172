// Backtester throughput: bars per second for each strategy on one symbol,
// 1,000,000 one-minute bars of a driftless GBM, default costs and checks.
// The series keeps trading to its end (the old bench series' GBM climbed to
// about 1e54, so no order could be sized after bar 108k and it mostly timed
// idle bars): each row says how many trades it made and how much of the time
// it held a position, beside its speed.
import { loadavg } from "node:os";
import { Bench } from "tinybench";
import { medianMs } from "./stats.ts";
import { runStrategyBacktest } from "../src/backtest/job.ts";
import { syntheticBars } from "../src/data/synthetic.ts";

const N = 1_000_000;
const GOAL = 2_000_000;
/** One-minute bars: 252 days of 6.5 hours a year, 20% annual volatility, no drift, so the price stays near 100. */
const SERIES = { n: N, seed: 7, symbol: "SYN", mu: 0, sigma: 0.2, stepMs: 60_000, barsPerYear: 252 * 390 };

export async function run(): Promise<string> {
  const load = loadavg()[0].toFixed(1);
  const series = syntheticBars(SERIES);
  const cases = [
    { name: "momentum (SMA 20/100 + RSI 14)", strategy: "momentum", params: {} },
    { name: "momentum (SMA 5/20 + RSI 14, many trades)", strategy: "momentum", params: { fast: 5, slow: 20 } },
    { name: "mean-reversion (20-bar z-score)", strategy: "mean-reversion", params: {} },
  ];
  const bench = new Bench({ iterations: 7, warmupIterations: 2, time: 0, warmupTime: 0 });
  const seen = new Map<string, { trades: number; exposure: number; last: number }>();
  for (const c of cases) {
    bench.add(c.name, () => {
      const r = runStrategyBacktest(series, { strategy: c.strategy, params: c.params });
      seen.set(c.name, { trades: r.trades.length, exposure: r.exposure, last: r.trades.at(-1)?.exitTime ?? NaN });
    });
  }
  await bench.run();
  const rows = bench.tasks.map((t) => {
    const ms = medianMs(t);
    const barsPerSec = N / (ms / 1000);
    const s = seen.get(t.name)!;
    const lastTrade = Math.round((s.last - series.time[0]) / SERIES.stepMs);
    return `| ${t.name} | ${s.trades} | ${(s.exposure * 100).toFixed(1)}% | ${lastTrade.toLocaleString("en-US")} | ${ms.toFixed(0)} | ${(barsPerSec / 1e6).toFixed(2)} M | ${(barsPerSec / GOAL).toFixed(2)}x |`;
  });
  const first = series.close[0];
  const lo = series.close.reduce((a, b) => Math.min(a, b));
  const hi = series.close.reduce((a, b) => Math.max(a, b));
  return [
    `Load average when the suite started: ${load} (other processes share the 2 cores; figures vary with it).`,
    "",
    `${N.toLocaleString("en-US")} one-minute bars of a driftless GBM (seed 7, 20% a year; the close goes from ${first.toFixed(0)} to ${series.close[N - 1].toFixed(0)} and stays in [${lo.toFixed(0)}, ${hi.toFixed(0)}]), one symbol, default costs (1 bp slippage, 0.005/share) and checks, all in (positionFraction 1).`,
    "Median of 7 runs after 2 warm-ups; a run is the whole `runStrategyBacktest` call, report (and its 1M-point equity curve) included.",
    `Exposure: share of bars with a position; last trade: the bar its last exit filled on. Goal: ${(GOAL / 1e6).toFixed(0)}M bars/s for momentum.`,
    "",
    "| strategy | trades | exposure | last trade at bar | ms per run | bars/s | vs goal |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
