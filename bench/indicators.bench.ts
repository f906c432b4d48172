// Indicator throughput on 1,000,000 bars: the WASM kernels (copies in and out
// included), the TypeScript twins, the npm packages trading-signals and
// technicalindicators, and the floor: a plain loop that only sums the input.
import os from "node:os";
import { Bench } from "tinybench";
import * as ts from "trading-signals";
import * as ti from "technicalindicators";
import { tsIndicators, type Indicators } from "../src/features/indicators.ts";
import { WasmIndicators } from "../src/kernels/indicators.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";
import { medianMs } from "./stats.ts";

const N = 1_000_000;

/** One bench series. */
interface Series { close: Float64Array; high: Float64Array; low: Float64Array; volume: Float64Array }

/** The series in every shape the implementations take. */
interface Data extends Series {
  /** technicalindicators takes plain arrays. */
  arrays: { close: number[]; high: number[]; low: number[]; volume: number[] };
  /** trading-signals takes one candle object per bar. */
  candles: { open: number; high: number; low: number; close: number; volume: number }[];
}

/** A seeded random walk from 100 with a high/low range and volume around it. */
function randomWalk(n: number, seed: number): Series {
  let s = seed >>> 0;
  const uniform = () => {
    // xorshift32: deterministic, so every run benches the same series.
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const close = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n), volume = new Float64Array(n);
  let x = 100;
  for (let i = 0; i < n; i++) {
    x = Math.max(1, x + (uniform() - 0.5));
    close[i] = x;
    high[i] = x + uniform() * 0.5;
    low[i] = x - uniform() * 0.5;
    volume[i] = 1000 + Math.floor(uniform() * 9000);
  }
  return { close, high, low, volume };
}

/** Adds the packages' input shapes: about 200 MB of JS objects and arrays. */
function withPeerInputs(s: Series): Data {
  const { close, high, low, volume } = s;
  const arrays = { close: Array.from(close), high: Array.from(high), low: Array.from(low), volume: Array.from(volume) };
  const candles = Array.from(close, (c, i) => ({ open: c, high: high[i], low: low[i], close: c, volume: volume[i] }));
  return { ...s, arrays, candles };
}

/** Feeds every input to a trading-signals indicator, keeping each result as the others keep a series. */
function stream<I>(indicator: { add(input: I): unknown }, inputs: readonly I[]): unknown[] {
  const out = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = indicator.add(inputs[i]);
  return out;
}

/** Caller-owned result arrays, reused across calls. */
interface Outs { a: Float64Array; b: Float64Array; c: Float64Array }

interface Case {
  /** The call, with its parameters, on the shared Indicators interface. */
  label: string;
  run(impl: Indicators, d: Series): unknown;
  /** The same WASM call writing into caller-owned arrays. */
  reused(w: WasmIndicators, d: Series, o: Outs): void;
  tradingSignals?(d: Data): unknown;
  technicalIndicators?(d: Data): unknown;
  /** Why a peer is missing or computes something else. */
  note?: string;
}

// One case per method of the Indicators interface; `satisfies` makes the
// type check fail when an indicator is added without a bench case.
const cases = {
  sma: {
    label: "sma(20)",
    run: (k, d) => k.sma(d.close, 20),
    reused: (w, d, o) => void w.sma(d.close, 20, o.a),
    tradingSignals: (d) => stream(new ts.SMA(20), d.arrays.close),
    technicalIndicators: (d) => ti.SMA.calculate({ period: 20, values: d.arrays.close }),
  },
  ema: {
    label: "ema(12)",
    run: (k, d) => k.ema(d.close, 12),
    reused: (w, d, o) => void w.ema(d.close, 12, o.a),
    tradingSignals: (d) => stream(new ts.EMA(12), d.arrays.close),
    technicalIndicators: (d) => ti.EMA.calculate({ period: 12, values: d.arrays.close }),
  },
  wma: {
    label: "wma(20)",
    run: (k, d) => k.wma(d.close, 20),
    reused: (w, d, o) => void w.wma(d.close, 20, o.a),
    tradingSignals: (d) => stream(new ts.WMA(20), d.arrays.close),
    technicalIndicators: (d) => ti.WMA.calculate({ period: 20, values: d.arrays.close }),
  },
  rsi: {
    label: "rsi(14)",
    run: (k, d) => k.rsi(d.close, 14),
    reused: (w, d, o) => void w.rsi(d.close, 14, o.a),
    tradingSignals: (d) => stream(new ts.RSI(14), d.arrays.close),
    technicalIndicators: (d) => ti.RSI.calculate({ period: 14, values: d.arrays.close }),
  },
  macd: {
    label: "macd(12, 26, 9)",
    run: (k, d) => k.macd(d.close, 12, 26, 9),
    reused: (w, d, o) => void w.macd(d.close, 12, 26, 9, { macd: o.a, signal: o.b, hist: o.c }),
    tradingSignals: (d) => stream(new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)), d.arrays.close),
    technicalIndicators: (d) => ti.MACD.calculate({
      values: d.arrays.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false,
    }),
  },
  bbands: {
    label: "bbands(20, 2)",
    run: (k, d) => k.bbands(d.close, 20, 2),
    reused: (w, d, o) => void w.bbands(d.close, 20, 2, { lower: o.a, middle: o.b, upper: o.c }),
    tradingSignals: (d) => stream(new ts.BollingerBands(20, 2), d.arrays.close),
    technicalIndicators: (d) => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: d.arrays.close }),
  },
  roc: {
    label: "roc(12)",
    run: (k, d) => k.roc(d.close, 12),
    reused: (w, d, o) => void w.roc(d.close, 12, o.a),
    tradingSignals: (d) => stream(new ts.ROC(12), d.arrays.close),
    technicalIndicators: (d) => ti.ROC.calculate({ period: 12, values: d.arrays.close }),
  },
  cci: {
    label: "cci(20)",
    run: (k, d) => k.cci(d.high, d.low, d.close, 20),
    reused: (w, d, o) => void w.cci(d.high, d.low, d.close, 20, o.a),
    tradingSignals: (d) => stream(new ts.CCI(20), d.candles),
    technicalIndicators: (d) => ti.CCI.calculate({ high: d.arrays.high, low: d.arrays.low, close: d.arrays.close, period: 20 }),
  },
  atr: {
    label: "atr(14)",
    run: (k, d) => k.atr(d.high, d.low, d.close, 14),
    reused: (w, d, o) => void w.atr(d.high, d.low, d.close, 14, o.a),
    tradingSignals: (d) => stream(new ts.ATR(14), d.candles),
    technicalIndicators: (d) => ti.ATR.calculate({ high: d.arrays.high, low: d.arrays.low, close: d.arrays.close, period: 14 }),
  },
  adx: {
    label: "adx(14)",
    run: (k, d) => k.adx(d.high, d.low, d.close, 14),
    reused: (w, d, o) => void w.adx(d.high, d.low, d.close, 14, { adx: o.a, plusDI: o.b, minusDI: o.c }),
    tradingSignals: (d) => stream(new ts.ADX(14), d.candles),
    technicalIndicators: (d) => ti.ADX.calculate({ high: d.arrays.high, low: d.arrays.low, close: d.arrays.close, period: 14 }),
  },
  stoch: {
    label: "stoch(14, 3, 3)",
    run: (k, d) => k.stoch(d.high, d.low, d.close, 14, 3, 3),
    reused: (w, d, o) => void w.stoch(d.high, d.low, d.close, 14, 3, 3, { k: o.a, d: o.b }),
    tradingSignals: (d) => stream(new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }), d.candles),
    technicalIndicators: (d) => ti.Stochastic.calculate({
      high: d.arrays.high, low: d.arrays.low, close: d.arrays.close, period: 14, signalPeriod: 3,
    }),
    note: "technicalindicators has no %K slowing: its Stochastic(14, 3) is the fast one.",
  },
  obv: {
    label: "obv",
    run: (k, d) => k.obv(d.close, d.volume),
    reused: (w, d, o) => void w.obv(d.close, d.volume, o.a),
    technicalIndicators: (d) => ti.OBV.calculate({ close: d.arrays.close, volume: d.arrays.volume }),
    note: "trading-signals' OBV is not the plain running total (it takes a period), so it is left out.",
  },
  vwap: {
    label: "vwap(20)",
    run: (k, d) => k.vwap(d.close, d.volume, 20),
    reused: (w, d, o) => void w.vwap(d.close, d.volume, 20, o.a),
    note: "Both packages only offer the cumulative (session) VWAP, not a rolling one, so no peer.",
  },
  willr: {
    label: "willr(14)",
    run: (k, d) => k.willr(d.high, d.low, d.close, 14),
    reused: (w, d, o) => void w.willr(d.high, d.low, d.close, 14, o.a),
    tradingSignals: (d) => stream(new ts.WilliamsR(14), d.candles),
    technicalIndicators: (d) => ti.WilliamsR.calculate({ high: d.arrays.high, low: d.arrays.low, close: d.arrays.close, period: 14 }),
  },
} satisfies Record<keyof Indicators, Case>;

/** The floor: the cheapest pass over the input there is. */
function sumOnly(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

const nsPerValue = (ms: number) => (ms * 1e6) / N;
const fmt = (ns: number) => (ns >= 100 ? ns.toFixed(0) : ns >= 10 ? ns.toFixed(1) : ns.toFixed(2));
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x`;

export async function run(): Promise<string> {
  const series = randomWalk(N, 7);
  const wasm = await WasmIndicators.load(kernelBytes("indicators"));
  const outs: Outs = { a: new Float64Array(N), b: new Float64Array(N), c: new Float64Array(N) };

  const names = Object.keys(tsIndicators) as (keyof Indicators)[];
  const missing = names.filter((n) => !(n in cases));
  if (missing.length) throw new Error(`no bench case for ${missing.join(", ")}: add one to bench/indicators.bench.ts`);

  // Fast runs (a few ms each): 15 timed calls after 5 warm-ups, floor first and last.
  const fast = new Bench({ iterations: 15, warmupIterations: 5, time: 0, warmupTime: 0 });
  let sink = 0;
  // Measured before the packages' inputs exist: with their 200 MB of live
  // objects, fresh 8 MB result arrays set off full GCs that cost more than
  // the kernels (a fresh copy out measured about 20 ns/value, against 1-4 here).
  fast.add("floor", () => void (sink += sumOnly(series.close)));
  fast.add("copies", () => void (outs.b.set(series.close), outs.a.set(outs.b)));
  fast.add("copy in, fresh copy out", () => void (outs.b.set(series.close), (sink += outs.b.slice()[7])));
  for (const name of names) {
    const c: Case = cases[name];
    fast.add(`reused ${name}`, () => c.reused(wasm, series, outs));
    fast.add(`wasm ${name}`, () => void c.run(wasm, series));
    fast.add(`ts ${name}`, () => void c.run(tsIndicators, series));
  }
  fast.add("floor again", () => void (sink += sumOnly(series.close)));
  const load = os.loadavg()[0];
  await fast.run();

  // The packages take 10-100x longer per call: 3 timed calls after 1 warm-up.
  const d = withPeerInputs(series);
  const slow = new Bench({ iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 });
  for (const name of names) {
    const c: Case = cases[name];
    if (c.tradingSignals) slow.add(`trading-signals ${name}`, () => void c.tradingSignals!(d));
    if (c.technicalIndicators) slow.add(`technicalindicators ${name}`, () => void c.technicalIndicators!(d));
  }
  await slow.run();
  if (Number.isNaN(sink)) throw new Error("the bench input holds NaN");

  const ns = new Map<string, number>();
  for (const t of [...fast.tasks, ...slow.tasks]) ns.set(t.name, nsPerValue(medianMs(t)));
  const floor = Math.min(ns.get("floor")!, ns.get("floor again")!);
  const cell = (key: string) => (ns.has(key) ? fmt(ns.get(key)!) : "—");
  const vs = (key: string, base: number) => (ns.has(key) ? ratio(ns.get(key)!, base) : "—");

  const rows = names.map((name) => {
    const r = ns.get(`reused ${name}`)!;
    const w = ns.get(`wasm ${name}`)!;
    return `| ${cases[name].label} | ${fmt(r)} | ${fmt(w)} | ${cell(`ts ${name}`)} | ${cell(`trading-signals ${name}`)} | ${cell(`technicalindicators ${name}`)} | ${ratio(r, floor)} | ${ratio(w, floor)} | ${vs(`ts ${name}`, w)} | ${vs(`trading-signals ${name}`, w)} | ${vs(`technicalindicators ${name}`, w)} |`;
  });
  const notes = names.filter((n) => (cases[n] as Case).note).map((n) => `- ${cases[n].label}: ${(cases[n] as Case).note}`);
  const goal = (key: string) => (["sma", "ema", "rsi"] as const).map((n) => `${n} ${ratio(ns.get(`${key} ${n}`)!, floor)}`).join(", ");

  return [
    `${N.toLocaleString("en-US")} bars of a seeded random walk (xorshift32, seed 7; high/low within 0.5 of the close), default parameters. ns per input bar, median of 15 calls after 5 warm-ups (the npm packages: 3 after 1). Load average at the start: ${load.toFixed(2)} on ${os.cpus().length} cores, shared with other work, so figures move between runs; compare within one run.`,
    "",
    `- **floor**: a plain \`Float64Array\` loop that only sums the input: ${fmt(floor)} ns (the lower of a run first and one last).`,
    `- **WASM, into caller arrays**: the \`WasmIndicators\` call given its output arrays as the last argument: it copies the inputs into the module's memory, runs the kernel and copies each output into the caller's reused Float64Array. Two plain copies of one series (the data moved in and out) cost ${cell("copies")} ns. Goal, WASM SMA, EMA and RSI within 2x of the floor with copies: ${goal("reused")}.`,
    `- **WASM API**: the \`WasmIndicators\` call, which also checks its parameters and returns fresh result arrays. A fresh 8 MB array is new memory the OS must zero, so copying out into one costs more than the copy itself: copy in plus a fresh copy out measured ${cell("copy in, fresh copy out")} ns, and it moves with memory pressure (about 20 ns when the packages' 200 MB of inputs were alive, which is why they are built only after these runs). Against the floor: ${goal("wasm")}.`,
    "- **TS twin**: the same call on `tsIndicators`, the plain TypeScript reference. Every twin runs on all 1,000,000 bars, the O(n·period) ones (sma, wma, bbands, cci, and the window extremes of stoch and willr) too.",
    "- **trading-signals** 8 feeds numbers or candle objects one at a time through `add()` and keeps each result; **technicalindicators** 3 gets plain arrays and its `calculate()`. Their inputs are built once, outside the timing. They keep their own conventions (seeding, output length); only speed is compared. Peer ratios are against the WASM API call, which like them returns fresh arrays.",
    ...notes,
    "",
    "| indicator | WASM, into caller arrays | WASM API | TS twin | trading-signals | technicalindicators | into arrays ÷ floor | API ÷ floor | TS twin ÷ API | trading-signals ÷ API | technicalindicators ÷ API |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
