import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { BacktestReport, Rejection } from "../../src/backtest/types.ts";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** A hand-made report: 5 daily bars, 2 trades (a win and a loss), 1 rejection whose reason holds markup. */
export function smallReport(overrides: Partial<BacktestReport> = {}): BacktestReport {
  const trades: TradeRecord[] = [
    {
      symbol: "ACME", side: "long", entryTime: day("2021-01-04"), exitTime: day("2021-01-06"), entryPrice: 1234.5, exitPrice: 1300.25,
      quantity: 50, pnl: 3285.5, returnPct: 0.053228, commission: 2, bars: 2, entryReason: "fast SMA crossed above slow",
      exitReason: "fast SMA crossed below slow",
    },
    {
      symbol: "ACME", side: "short", entryTime: day("2021-01-06"), exitTime: day("2021-01-08"), entryPrice: 1300.25, exitPrice: 1320,
      quantity: 10, pnl: -198.5, returnPct: -0.015266, commission: 1, bars: 2, entryReason: "momentum < 0 & falling",
      exitReason: "end of data",
    },
  ];
  const rejections: Rejection[] = [
    { time: day("2021-01-07"), symbol: "ACME", rule: "maxNotional", reason: "notional 150,000 > limit <100,000> & \"cap\"" },
  ];
  const time = ["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07", "2021-01-08"].map(day);
  return {
    symbol: "ACME",
    strategy: { name: "sma-cross", params: { fast: 10, slow: 50 } },
    bars: 5,
    start: time[0],
    end: time[4],
    initialCash: 100_000,
    finalEquity: 103_084,
    totalReturn: 0.03084,
    cagr: 4.5678,
    sharpe: 1.23456,
    sortino: 2.5,
    maxDrawdown: 0.0425,
    winRate: 0.5,
    exposure: 0.8,
    totalCommission: 3,
    trades,
    rejections,
    equity: {
      time,
      equity: [100_000, 101_500, 103_285.5, 98_900, 103_084],
      drawdown: [0, 0, 0, 98_900 / 103_285.5 - 1, 103_084 / 103_285.5 - 1],
    },
    barsPerSecond: 1_234_567.8,
    elapsedMs: 0.004,
    ...overrides,
  };
}

/** A report over `n` daily bars with a wavy equity curve and one deep drawdown at `troughAt`. */
export function largeReport(n: number, troughAt: number): BacktestReport {
  const t0 = day("2000-01-03");
  const time = Array.from({ length: n }, (_, i) => t0 + i * 86_400_000);
  const equity = time.map((_, i) => 100_000 * (1 + i / n) * (1 + 0.05 * Math.sin(i / 13)) * (i === troughAt ? 0.5 : 1));
  let peak = -Infinity;
  const drawdown = equity.map((e) => {
    peak = Math.max(peak, e);
    return e / peak - 1;
  });
  return smallReport({ bars: n, start: time[0], end: time[n - 1], equity: { time, equity, drawdown }, maxDrawdown: -Math.min(...drawdown) });
}
