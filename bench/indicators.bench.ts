// Indicator throughput on 1,000,000 bars: the WASM kernels (copies in and out
// included), the TypeScript twins, the npm packages trading-signals and
// technicalindicators, and the floor: a plain loop that only sums the input.
// Calls are timed in rounds, each next to the call it is compared with, so a
// ratio is never between two moments of a machine whose load moves.
import os from "node:os";
import * as ts from "trading-signals";
import * as ti from "technicalindicators";
import { tsIndicators, type Indicators } from "../src/features/indicators.ts";
import { WasmIndicators } from "../src/kernels/indicators.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";

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
const x = (r: number) => (r >= 10 ? r.toFixed(0) : r.toFixed(1));

/** The q-quantile of a sample (type 7, as R's default). */
function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

/** Median and interquartile range of per-round ratios, e.g. "1.8x (1.7–1.9)". */
const spread = (r: readonly number[] | undefined) =>
  r === undefined || r.length === 0 ? "—" : `${x(quantile(r, 0.5))}x (${x(quantile(r, 0.25))}–${x(quantile(r, 0.75))})`;

/** Wall time of one call in ns per bar. */
function time(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return nsPerValue(performance.now() - t0);
}

/** Per-round samples: ns per bar of each call and the ratios between calls timed next to each other. */
class Samples {
  readonly ns = new Map<string, number[]>();
  readonly ratios = new Map<string, number[]>();
  add(map: Map<string, number[]>, key: string, v: number): void {
    const list = map.get(key) ?? [];
    list.push(v);
    map.set(key, list);
  }
  /** Times `base` then `f` back to back, recording both and f ÷ base under `key`. */
  pair(key: string, baseKey: string, base: () => unknown, f: () => unknown): void {
    const b = time(base);
    const t = time(f);
    this.add(this.ns, baseKey, b);
    this.add(this.ns, key, t);
    this.add(this.ratios, key, t / b);
  }
  median(key: string): number | undefined {
    const v = this.ns.get(key);
    return v ? quantile(v, 0.5) : undefined;
  }
}

const ROUNDS = 21;
const WARMUP_ROUNDS = 3;
const PEER_ROUNDS = 3;

export async function run(): Promise<string> {
  const series = randomWalk(N, 7);
  const wasm = await WasmIndicators.load(kernelBytes("indicators"));
  // A second instance for the released results, so its pool never feeds the calls that keep theirs.
  const pooled = await WasmIndicators.load(kernelBytes("indicators"));
  const outs: Outs = { a: new Float64Array(N), b: new Float64Array(N), c: new Float64Array(N) };

  const names = Object.keys(tsIndicators) as (keyof Indicators)[];
  const missing = names.filter((n) => !(n in cases));
  if (missing.length) throw new Error(`no bench case for ${missing.join(", ")}: add one to bench/indicators.bench.ts`);

  let sink = 0;
  const floor = () => void (sink += sumOnly(series.close));
  const keep = (r: unknown) => void (sink += (r instanceof Float64Array ? r : Object.values(r as Record<string, Float64Array>)[0])[N - 1] || 0);
  const s = new Samples();
  const load = os.loadavg();
  // Each round times, for every indicator, the floor right before each call,
  // so a ratio compares two calls that met the same load; the spread across
  // rounds shows how much the shared machine moved them.
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const into = round < WARMUP_ROUNDS ? new Samples() : s;
    into.pair("copies", "floor", floor, () => (outs.b.set(series.close), outs.a.set(outs.b)));
    for (const name of names) {
      const c: Case = cases[name];
      into.pair(`into ${name}`, "floor", floor, () => c.reused(wasm, series, outs));
      // The fresh-array call whose results the caller hands back (release()), so later calls reuse them.
      into.pair(`pooled ${name}`, `into ${name}`, () => c.reused(wasm, series, outs), () => {
        const r = c.run(pooled, series);
        keep(r);
        pooled.release(r as Float64Array);
      });
      // The fresh-array call whose results the caller keeps: new memory every time.
      into.pair(`fresh ${name}`, `into ${name}`, () => c.reused(wasm, series, outs), () => keep(c.run(wasm, series)));
      into.pair(`ts ${name}`, `fresh ${name}`, () => keep(c.run(wasm, series)), () => keep(c.run(tsIndicators, series)));
    }
  }
  const loadAfter = os.loadavg();

  // The packages take 10-100x longer per call: each timed right after the
  // fresh-array WASM call it is compared with, once as warm-up and 3 times.
  const d = withPeerInputs(series);
  const peers = new Samples();
  for (let round = 0; round <= PEER_ROUNDS; round++) {
    const into = round === 0 ? new Samples() : peers;
    for (const name of names) {
      const c: Case = cases[name];
      const api = () => keep(c.run(wasm, series));
      if (c.tradingSignals) into.pair(`trading-signals ${name}`, `api ${name}`, api, () => c.tradingSignals!(d));
      if (c.technicalIndicators) into.pair(`technicalindicators ${name}`, `api ${name}`, api, () => c.technicalIndicators!(d));
    }
  }
  if (Number.isNaN(sink)) throw new Error("the bench input holds NaN");

  const cell = (samples: Samples, key: string) => {
    const m = samples.median(key);
    return m === undefined ? "—" : fmt(m);
  };
  const rows = names.map((name) => [
    `| ${cases[name].label}`, cell(s, `into ${name}`), cell(s, `pooled ${name}`), cell(s, `fresh ${name}`), cell(s, `ts ${name}`),
    cell(peers, `trading-signals ${name}`), cell(peers, `technicalindicators ${name}`),
    spread(s.ratios.get(`into ${name}`)), spread(s.ratios.get(`pooled ${name}`)), spread(s.ratios.get(`fresh ${name}`)),
    spread(s.ratios.get(`ts ${name}`)), spread(peers.ratios.get(`trading-signals ${name}`)), `${spread(peers.ratios.get(`technicalindicators ${name}`))} |`,
  ].join(" | "));
  const notes = names.filter((n) => (cases[n] as Case).note).map((n) => `- ${cases[n].label}: ${(cases[n] as Case).note}`);
  const goal = (key: string, ns: readonly string[]) => ns.map((n) => `${n} ${spread(s.ratios.get(`${key} ${n}`))}`).join(", ");
  const goals = ["sma", "ema", "rsi"];

  return [
    `${N.toLocaleString("en-US")} bars of a seeded random walk (xorshift32, seed 7; high/low within 0.5 of the close), default parameters. ns per input bar, median over ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up rounds (the npm packages: ${PEER_ROUNDS} after 1). Each ratio is taken within a round between two calls timed back to back, and shown as the median over the rounds with the interquartile range in brackets. Load average (1/5/15 min) ${load.map((l) => l.toFixed(2)).join("/")} at the start and ${loadAfter.map((l) => l.toFixed(2)).join("/")} after the rounds, on ${os.cpus().length} cores shared with other engineers' test runs: absolute figures move between runs; the ratios are what to compare.`,
    "",
    `- **floor**: a plain \`Float64Array\` loop that only sums the input, timed right before each into-arrays call: median ${cell(s, "floor")} ns. Two plain copies of one series (the data moved in and out) cost ${spread(s.ratios.get("copies"))} the floor.`,
    `- **into arrays**: the \`WasmIndicators\` call given its output arrays as the last argument: it checks the parameters, copies the inputs into the module's memory, runs the kernel and copies each output into the caller's reused Float64Array. Ratio against the floor timed just before it. Goal, SMA, EMA and RSI within 2x of the floor: ${goal("into", goals)}.`,
    `- **fresh, released**: the call without output arrays, which returns arrays the caller owns, by a caller that hands each result back with \`release()\` when done (\`computeIndicators\` users that serialize and drop the columns can): later calls reuse those arrays instead of new memory. Ratio against the into-arrays call timed just before it. Goal, within 1.5x of it: ${goal("pooled", goals)}.`,
    `- **fresh, kept**: the same call by a caller that keeps every result, so each result is new memory. A fresh 8 MB array page-faults on first touch, and on this shared virtual machine that costs more than the kernel (in the tens of ns per value when the machine is busy): ${goal("fresh", goals)} the into-arrays call. This is the call the peers are compared with, since they too return new arrays.`,
    "- **TS twin**: the same call on `tsIndicators`, the plain TypeScript reference, against the fresh-kept WASM call timed just before it. Every twin runs on all 1,000,000 bars, the O(n·period) ones (sma, wma, bbands, cci, and the window extremes of stoch and willr) too.",
    "- **trading-signals** 8 feeds numbers or candle objects one at a time through `add()` and keeps each result; **technicalindicators** 3 gets plain arrays and its `calculate()`. Their inputs (about 200 MB of JS objects) are built once, outside the timing, after the rounds above. Each peer run is timed right after a fresh-kept WASM call, and its ratio is against that call (with the 200 MB alive, so that call is slower here than in the rounds above). They keep their own conventions (seeding, output length); only speed is compared.",
    ...notes,
    "",
    "| indicator | into arrays | fresh, released | fresh, kept | TS twin | trading-signals | technicalindicators | into arrays ÷ floor | released ÷ into arrays | kept ÷ into arrays | TS twin ÷ kept | trading-signals ÷ kept | technicalindicators ÷ kept |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
