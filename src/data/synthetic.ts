import type { BarSeries, SymbolId } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { Random } from "../core/random.ts";

export interface SyntheticBarsOptions {
  /** Number of bars (>= 1). */
  n: number;
  /** PRNG seed, an integer in [0, 2^32): the same seed gives the same series in every runtime. */
  seed: number;
  /** Epoch ms of the first bar; default 2000-01-03T00:00Z. */
  start?: number;
  /** Opening price of the first bar; default 100. */
  s0?: number;
  /** Annual drift; default 0.05. */
  mu?: number;
  /** Annual volatility; default 0.2. */
  sigma?: number;
  /** Spacing of bar times in ms; default one day. */
  stepMs?: number;
  /** Bars per year, which sets dt = 1 / barsPerYear for mu and sigma; default 252 (trading days). */
  barsPerYear?: number;
  /** Default "SYN". */
  symbol?: SymbolId;
}

/** Typical volume of a bar of average size. */
const BASE_VOLUME = 1_000_000;

/**
 * Bars whose closes follow geometric Brownian motion exactly: each log
 * return is N((mu - sigma²/2) dt, sigma² dt). A bar opens at the previous
 * close (the first at s0). Its high and low are drawn from the exact
 * distributions of the maximum and minimum of a Brownian bridge between open
 * and close (each on its own, not jointly), so they always contain both and
 * widen with volatility. Volume is log-normal and grows with the size of the move.
 */
export function syntheticBars(opts: SyntheticBarsOptions): BarSeries {
  const {
    n, seed, start = Date.UTC(2000, 0, 3), s0 = 100, mu = 0.05, sigma = 0.2,
    stepMs = 86_400_000, barsPerYear = 252, symbol = "SYN",
  } = opts;
  check("n", Number.isInteger(n) && n >= 1, "an integer >= 1", n);
  check("seed", Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, "an integer in [0, 2^32)", seed);
  check("start", Number.isFinite(start), "a finite epoch ms", start);
  check("s0", Number.isFinite(s0) && s0 > 0, "a positive number", s0);
  check("mu", Number.isFinite(mu), "a finite number", mu);
  check("sigma", Number.isFinite(sigma) && sigma >= 0, "a number >= 0", sigma);
  check("stepMs", Number.isFinite(stepMs) && stepMs > 0, "a positive number", stepMs);
  check("barsPerYear", Number.isFinite(barsPerYear) && barsPerYear > 0, "a positive number", barsPerYear);
  check("symbol", symbol.length > 0 && !/\s/.test(symbol), "non-empty without whitespace", symbol);

  const rng = new Random(seed);
  const dt = 1 / barsPerYear;
  const drift = (mu - (sigma * sigma) / 2) * dt;
  const sd = sigma * Math.sqrt(dt);
  const variance = sd * sd;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);

  let previous = s0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    const logReturn = drift + sd * z;
    const o = previous;
    const c = o * Math.exp(logReturn);
    // Extremes of a Brownian bridge from 0 to b with variance v: inverting
    // P(max > m) = exp(-2 m (m - b) / v) gives m = (b + sqrt(b² - 2 v ln U)) / 2.
    const upper = (logReturn + Math.sqrt(logReturn * logReturn - 2 * variance * Math.log(1 - rng.uniform()))) / 2;
    const lower = (logReturn - Math.sqrt(logReturn * logReturn - 2 * variance * Math.log(1 - rng.uniform()))) / 2;
    // exp and the products round, so clamp to keep low <= open, close <= high exactly.
    high[i] = Math.max(o * Math.exp(upper), o, c);
    low[i] = Math.min(o * Math.exp(lower), o, c);
    volume[i] = Math.max(1, Math.round(BASE_VOLUME * Math.exp(0.25 * rng.normal()) * (0.5 + Math.abs(z))));
    time[i] = start + i * stepMs;
    open[i] = o;
    close[i] = c;
    previous = c;
  }
  return { symbol, time, open, high, low, close, volume };
}

function check(field: string, ok: boolean, expected: string, got: unknown): void {
  if (ok) return;
  const shown = typeof got === "string" ? JSON.stringify(got) : String(got);
  throw new ConfigError(`syntheticBars: ${field} must be ${expected}, got ${shown}`, { field });
}

export interface SyntheticPairOptions {
  /** Number of bars (>= 1). */
  n: number;
  /** PRNG seed, an integer in [0, 2^32); the second leg's bars draw from seed and the spread from seed + 1 (mod 2^32). */
  seed: number;
  /** The hedge ratio: log a = alpha + beta log b + spread. */
  beta: number;
  /** Default 0. */
  alpha?: number;
  /** AR(1) coefficient of the spread, in [0, 1): below 1 the pair is cointegrated; default 0.9. */
  phi?: number;
  /** Standard deviation of the spread's innovations (log units); default 0.01. */
  spreadSigma?: number;
  /** The options of the second leg's random walk (syntheticBars): s0, mu, sigma, start, stepMs, barsPerYear. */
  leg?: Omit<SyntheticBarsOptions, "n" | "seed" | "symbol">;
  /** Default ["A", "B"]. */
  symbols?: readonly [SymbolId, SymbolId];
}

/**
 * Two cointegrated series with a known hedge ratio: B is syntheticBars' log
 * random walk, and log A = alpha + beta log B + s where the spread s is a
 * stationary AR(1) (s_t = phi s_(t-1) + spreadSigma z_t, from 0). A's bars
 * open at the previous close (the first at its first close) with high and
 * low at the larger and smaller of open and close; its volume is B's.
 */
export function syntheticPair(opts: SyntheticPairOptions): [BarSeries, BarSeries] {
  const { n, seed, beta, alpha = 0, phi = 0.9, spreadSigma = 0.01, leg = {}, symbols = ["A", "B"] } = opts;
  check("beta", Number.isFinite(beta), "a finite number", beta);
  check("alpha", Number.isFinite(alpha), "a finite number", alpha);
  check("phi", Number.isFinite(phi) && phi >= 0 && phi < 1, "a number in [0, 1)", phi);
  check("spreadSigma", Number.isFinite(spreadSigma) && spreadSigma >= 0, "a number >= 0", spreadSigma);
  const b = syntheticBars({ ...leg, n, seed, symbol: symbols[1] });
  const rng = new Random((seed + 1) % 2 ** 32);
  const close = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = phi * s + spreadSigma * rng.normal();
    close[i] = Math.exp(alpha + beta * Math.log(b.close[i]) + s);
  }
  const open = close.map((_, i) => close[Math.max(0, i - 1)]);
  const high = close.map((c, i) => Math.max(c, open[i]));
  const low = close.map((c, i) => Math.min(c, open[i]));
  return [{ symbol: symbols[0], time: b.time, open, high, low, close, volume: b.volume }, b];
}
