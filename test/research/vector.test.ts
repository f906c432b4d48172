// The vectorized path against the event-driven engine: equal results, run
// for run, on a grid over the bundled S&P 500 and a synthetic series, with
// costs and sizing variants; and what it declines.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runStrategyBacktest, type BacktestRequest } from "../../src/backtest/job.ts";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { WasmVectorKernels } from "../../src/kernels/research.ts";
import { LocalExecutor } from "../../src/research/executor.ts";
import { runSweep } from "../../src/research/sweep.ts";
import { pboFromBlocks } from "../../src/research/guards.ts";
import { statsOfReport } from "../../src/research/stats.ts";
import { VectorEngine } from "../../src/research/vector/engine.ts";
import { decimalsOf, scaledInt } from "../../src/research/vector/money.ts";
import { decimalToNumber, tsVectorKernels } from "../../src/research/vector/twin.ts";
import { Random } from "../../src/core/random.ts";
import { root, wasmBytes } from "../helpers.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });

/** A synthetic series quoted in cents, as real prices are (the raw floats carry 13+ decimals). */
function centSeries(n: number, seed: number): BarSeries {
  const s = syntheticBars({ n, seed, sigma: 0.3, symbol: "CENTS" });
  const cents = (a: Float64Array) => a.map((x) => Math.round(x * 100) / 100);
  return { ...s, open: cents(s.open), high: cents(s.high), low: cents(s.low), close: cents(s.close) };
}
const synthetic = centSeries(1500, 11);

/** Cost and sizing variants the grid cycles through. */
const VARIANTS: Pick<BacktestRequest, "config" | "sizing">[] = [
  {},
  { config: { commissionPerOrder: 1, slippageBps: 2.5 } },
  { config: { slippageBps: 0, commissionPerShare: 0 } },
  { config: { positionFraction: 0.5, initialCash: 25_000 } },
  { sizing: { method: "volTarget", target: 0.15 } },
  { sizing: { method: "kelly", scale: 0.5, lookback: 40 } },
  { config: { initialCash: 1_000_000, commissionPerShare: 0.01 } },
  // Levered entries (fraction up to 2): the sufficientCash check denies some.
  { sizing: { method: "volTarget", target: 0.6, max: 2 } },
  // A fee as large as the cash: buys are rejected at the fill (shorts still trade).
  { config: { initialCash: 5_000, commissionPerOrder: 5_000 } },
];

function grid(): BacktestRequest[] {
  const out: BacktestRequest[] = [];
  for (const [fast, slow] of [[5, 30], [10, 60], [20, 100], [50, 200], [3, 15], [30, 90]]) {
    for (const rsiPeriod of [7, 14]) {
      for (const rsiMax of [60, 80]) {
        for (const allowShort of [false, true]) out.push({ strategy: "momentum", params: { fast, slow, rsiPeriod, rsiMax, allowShort } });
      }
    }
  }
  for (const [period, entryZ, exitZ] of [[10, 1, 0], [20, 1.5, 0.5], [40, 2, -0.5], [15, 0.8, 0], [30, 2.5, 1]]) {
    for (const allowShort of [false, true]) out.push({ strategy: "mean-reversion", params: { period, entryZ, exitZ, allowShort } });
  }
  return out.map((r, i) => ({ ...r, ...VARIANTS[i % VARIANTS.length] }));
}

function outcome(run: () => BacktestReport): { report: BacktestReport } | { error: string } {
  try {
    return { report: run() };
  } catch (e) {
    return { error: String(e) };
  }
}

/** A report without its timings, which no two runs share. */
const untimed = (r: BacktestReport) => ({ ...r, barsPerSecond: 0, elapsedMs: 0 });

let wasm: VectorEngine;
beforeAll(async () => {
  wasm = new VectorEngine(await WasmVectorKernels.load(wasmBytes("research")));
});

describe("the vectorized path equals the event-driven engine", () => {
  const requests = grid();

  it("has a grid of 58 settings with every variant, 116 runs over two series", () => {
    expect(requests).toHaveLength(58);
    expect(new Set(requests.map((r) => JSON.stringify([r.config, r.sizing]))).size).toBe(VARIANTS.length);
  });

  for (const [name, series] of [["S&P 500", sp500], ["synthetic cents", synthetic]] as const) {
    it(`on ${name}: every report equal (trades, rejections, equity, statistics)`, () => {
      let trades = 0;
      let failures = 0;
      const rules = new Set<string>();
      for (const req of requests) {
        const expected = outcome(() => runStrategyBacktest(series, req));
        const got = outcome(() => {
          const out = wasm.run(series, req, { full: true });
          if ("declined" in out) throw new Error(`declined ${JSON.stringify(req)}: ${out.declined}`);
          return out.run.report!;
        });
        // A run the engine cannot finish (equity below zero breaks the return statistics) fails the same way.
        if ("error" in expected) {
          expect(got, JSON.stringify(req)).toEqual(expected);
          failures++;
          continue;
        }
        if ("error" in got) throw new Error(`${JSON.stringify(req)}: ${got.error}`);
        expect(untimed(got.report), JSON.stringify(req)).toEqual(untimed(expected.report));
        // A sweep's row takes the quick route (no trade records): the same statistics as the engine's report.
        const quick = wasm.run(series, req);
        if ("declined" in quick) throw new Error(quick.declined);
        expect(quick.run.stats, JSON.stringify(req)).toEqual(statsOfReport(expected.report));
        trades += expected.report.trades.length;
        for (const r of expected.report.rejections) rules.add(r.rule);
      }
      // The grid exercises fills and cash-capped fills, not only quiet runs.
      expect(trades).toBeGreaterThan(1000);
      expect([...rules].sort()).toEqual(["cashAtFill", "sufficientCash"]);
      expect(failures).toBeLessThan(requests.length / 10);
    });
  }

  it("the TypeScript twin gives the same reports", () => {
    const twin = new VectorEngine(tsVectorKernels);
    for (const req of requests.filter((_, i) => i % 3 === 0)) {
      const out = twin.run(synthetic, req, { full: true });
      if ("declined" in out) throw new Error(out.declined);
      expect(untimed(out.run.report!)).toEqual(untimed(runStrategyBacktest(synthetic, req)));
    }
  });

  it("a sweep's rows are the same whichever path runs them, and it says which one did", async () => {
    const spec = {
      base: { strategy: "momentum" }, objective: "sharpe" as const,
      space: { grid: [{ key: "fast", from: 5, to: 25, step: 10 }, { key: "slow", from: 40, to: 120, step: 40 }] },
    };
    const fast = await runSweep(spec, [sp500], new LocalExecutor(wasm));
    const slow = await runSweep({ ...spec, fastPath: false }, [sp500], new LocalExecutor(wasm));
    expect(fast.runs.map((r) => r.engine)).toEqual(Array(9).fill("vectorized"));
    expect(slow.runs.map((r) => r.engine)).toEqual(Array(9).fill("event-driven"));
    expect(fast.runs.map((r) => [r.stats, r.guard])).toEqual(slow.runs.map((r) => [r.stats, r.guard]));
    expect(fast.best!.id).toBe(slow.best!.id);
    expect(fast.engines).toEqual({ vectorized: 9, eventDriven: 0, declined: [] });
  });
});

describe("what the vectorized path declines (the engine runs it instead)", () => {
  const req: BacktestRequest = { strategy: "momentum", params: { fast: 10, slow: 50 } };

  it("risk limits, stop-loss and take-profit, and prices with too many decimals", () => {
    expect(wasm.run(sp500, { ...req, limits: { maxDrawdown: 0.2 } })).toEqual({ declined: "risk limits (maxDrawdown) run on the event-driven engine" });
    expect(wasm.run(sp500, { ...req, config: { stopLossPct: 0.05 } })).toEqual({ declined: "stop-loss and take-profit exits run on the event-driven engine" });
    expect(wasm.run(sp500, { ...req, config: { takeProfitPct: 0.1 } })).toMatchObject({ declined: expect.stringMatching(/take-profit/) });
    // Raw synthetic prices carry 13-14 decimals; with the slippage factor's 4 that is past 15.
    expect(wasm.run(syntheticBars({ n: 300, seed: 1 }), req)).toMatchObject({ declined: expect.stringMatching(/decimal places/) });
  });

  it("a sweep counts the declined runs, with the reason, and their numbers come from the engine", async () => {
    const result = await runSweep({
      base: { ...req, limits: { maxGrossExposure: 1 } },
      space: { grid: [{ key: "fast", values: [5, 10] }] },
    }, [sp500], new LocalExecutor(wasm));
    expect(result.runs.map((r) => r.engine)).toEqual(["event-driven", "event-driven"]);
    expect(result.engines.declined).toEqual([{ reason: "risk limits (maxGrossExposure) run on the event-driven engine", runs: 2 }]);
  });

  it("the memory filter: a sweep with it runs each point through the filter, as nt backtest --memory does", async () => {
    const memory = { k: 5, minTraces: 10 };
    expect(wasm.run(sp500, { ...req, memory })).toEqual({ declined: "the memory filter runs on the event-driven engine" });
    const result = await runSweep({ base: { ...req, memory }, space: { grid: [{ key: "fast", values: [5] }, { key: "slow", values: [20] }] } }, [sp500], new LocalExecutor(wasm));
    const direct = runStrategyBacktest(sp500, { strategy: "momentum", params: { fast: 5, slow: 20 }, memory });
    const plain = runStrategyBacktest(sp500, { strategy: "momentum", params: { fast: 5, slow: 20 } });
    expect(direct.finalEquity).not.toBe(plain.finalEquity);
    expect(result.runs[0].stats?.finalEquity).toBe(direct.finalEquity);
    expect(result.engines.declined).toEqual([{ reason: "the memory filter runs on the event-driven engine", runs: 1 }]);
  });

  it("keeps kernel memory flat over many runs on one series", () => {
    const k = (wasm.kernels as WasmVectorKernels).k;
    wasm.run(synthetic, req);
    const before = k.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) wasm.run(synthetic, { ...req, params: { fast: 10, slow: 50, rsiMax: 50 + (i % 40) } });
    expect(k.memory.buffer.byteLength).toBe(before);
  });
});

describe("PBO's scorer on the kernel", () => {
  it("gives the TypeScript scores and so the same PBO, logits included", () => {
    const k = wasm.kernels as WasmVectorKernels;
    const rng = new Random(3);
    // 33 trials: an odd count exercises the kernel's scalar tail; a few constant trials score 0.
    const sums = Array.from({ length: 33 }, (_, t) => Array.from({ length: 10 }, () => {
      const r = Array.from({ length: 25 }, () => (t % 11 === 0 ? 0.001 : 0.01 * rng.normal()));
      return { n: 25, sum: r.reduce((a, b) => a + b), sumSq: r.reduce((a, b) => a + b * b, 0) };
    }));
    expect(pboFromBlocks(sums, k.cscv)).toEqual(pboFromBlocks(sums));
  });
});

describe("exact money", () => {
  it("reads prices' decimals from their shortest text", () => {
    expect(decimalsOf(1455.219971)).toBe(6);
    expect(decimalsOf(1469.25)).toBe(2);
    expect(decimalsOf(1e-7)).toBe(7);
    expect(decimalsOf(3)).toBe(0);
    expect(scaledInt(1455.219971, 6)).toBe(1455219971n);
    expect(scaledInt(1e-7, 9)).toBe(100n);
    expect(scaledInt(1469.25, 6)).toBe(1469250000n);
  });

  it("the kernel rounds 10^-K decimals to doubles as Decimal.toNumber() does, ties to even", () => {
    const k = (wasm.kernels as WasmVectorKernels).k;
    // Exact midpoints between neighbouring doubles: 2^52 + 0.5 rounds down to even, 2^52 + 1.5 up to even.
    expect(k.decimalToF64(45035996273704965n, 1)).toBe(4503599627370496);
    expect(k.decimalToF64(45035996273704975n, 1)).toBe(4503599627370498);
    expect(k.decimalToF64(-45035996273704965n, 1)).toBe(-4503599627370496);
    const rng = new Random(5);
    const big = () => (BigInt(rng.nextU32()) << 30n) | BigInt(rng.nextU32() >>> 2);
    for (let i = 0; i < 20_000; i++) {
      const K = i % 16;
      // Above 2^53 (the long-division path) and below (one division), negative too.
      let m = i % 2 === 0 ? big() | (1n << 55n) : BigInt(rng.nextU32()) * BigInt(1 + (rng.nextU32() & 0xfffff));
      if (i % 3 === 0) m = -m;
      if ((m < 0n ? -m : m) / 10n ** BigInt(K) >= 1n << 53n) continue;
      expect(k.decimalToF64(m, K), `${m}e-${K}`).toBe(decimalToNumber(m, K));
    }
  });
});
