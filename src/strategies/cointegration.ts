import { ConfigError } from "../core/errors.ts";

/**
 * The statistics of pairs trading: ordinary least squares of one series on
 * another, the augmented Dickey–Fuller test, the Engle–Granger test of
 * cointegration built from both, MacKinnon's critical values, and a Kalman
 * filter that tracks a drifting hedge ratio. Plain float64 over arrays: the
 * windows are short, so nothing here is a hot loop.
 */

/** y = alpha + beta x fitted by least squares, and the standard error of the regression. */
export interface LineFit {
  readonly alpha: number;
  readonly beta: number;
  /** sqrt(RSS / (n - 2)). */
  readonly residualSd: number;
}

/** Least squares of y[from, to) on x[from, to) with an intercept, by centred sums (two passes). */
export function fitLine(y: ArrayLike<number>, x: ArrayLike<number>, from = 0, to = y.length): LineFit {
  const n = to - from;
  if (n < 3) throw new ConfigError(`a line needs at least 3 points, got ${n}`, { field: "y" });
  let mx = 0;
  let my = 0;
  for (let i = from; i < to; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = from; i < to; i++) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const beta = sxx > 0 ? sxy / sxx : 0;
  const alpha = my - beta * mx;
  let rss = 0;
  for (let i = from; i < to; i++) {
    const e = y[i] - alpha - beta * x[i];
    rss += e * e;
  }
  return { alpha, beta, residualSd: Math.sqrt(rss / (n - 2)) };
}

export interface AdfResult {
  /** The t statistic of the lagged level's coefficient. */
  readonly statistic: number;
  /** Observations in the test regression (the T of the critical values). */
  readonly nobs: number;
}

/**
 * The augmented Dickey–Fuller statistic of x: the t statistic of γ in
 * Δx_t = γ x_{t-1} + Σ_{i=1..lags} φ_i Δx_{t-i} (+ c) + u_t, over
 * t = lags + 1 .. n - 1, as R's urca::ur.df and statsmodels' adfuller
 * (autolag=None) compute it. A unit root is rejected when the statistic is
 * below the critical value (mackinnonCritical).
 */
export function adf(x: ArrayLike<number>, opts: { lags?: number; constant?: boolean } = {}): AdfResult {
  const lags = opts.lags ?? 1;
  const constant = opts.constant ?? true;
  const n = x.length;
  const k = 1 + lags + (constant ? 1 : 0);
  const m = n - 1 - lags;
  if (!(Number.isInteger(lags) && lags >= 0)) throw new ConfigError(`lags must be an integer >= 0, got ${lags}`, { field: "lags" });
  if (m <= k) throw new ConfigError(`an ADF regression with ${lags} lags needs more than ${k + lags + 1} values, got ${n}`, { field: "x" });
  // Normal equations X'X b = X'y over the m rows; k is small (a few lags).
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  const row = new Float64Array(k);
  for (let t = lags + 1; t < n; t++) {
    row[0] = x[t - 1];
    for (let i = 1; i <= lags; i++) row[i] = x[t - i] - x[t - i - 1];
    if (constant) row[k - 1] = 1;
    const dy = x[t] - x[t - 1];
    for (let a = 0; a < k; a++) {
      xty[a] += row[a] * dy;
      for (let b = 0; b < k; b++) xtx[a * k + b] += row[a] * row[b];
    }
  }
  const inverse = invert(xtx, k);
  const coef = new Float64Array(k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) coef[a] += inverse[a * k + b] * xty[b];
  let rss = 0;
  for (let t = lags + 1; t < n; t++) {
    let fitted = coef[0] * x[t - 1];
    for (let i = 1; i <= lags; i++) fitted += coef[i] * (x[t - i] - x[t - i - 1]);
    if (constant) fitted += coef[k - 1];
    const u = x[t] - x[t - 1] - fitted;
    rss += u * u;
  }
  const s2 = rss / (m - k);
  return { statistic: coef[0] / Math.sqrt(s2 * inverse[0]), nobs: m };
}

/** The inverse of a k x k matrix (row-major), by Gauss–Jordan elimination with partial pivoting. */
function invert(a: Float64Array, k: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]) > Math.abs(m[pivot * k + c])) pivot = r;
    if (!(Math.abs(m[pivot * k + c]) > 1e-300)) throw new ConfigError("the regressors are collinear (a constant series?)", { field: "x" });
    if (pivot !== c) {
      for (let j = 0; j < k; j++) {
        [m[c * k + j], m[pivot * k + j]] = [m[pivot * k + j], m[c * k + j]];
        [inv[c * k + j], inv[pivot * k + j]] = [inv[pivot * k + j], inv[c * k + j]];
      }
    }
    const p = m[c * k + c];
    for (let j = 0; j < k; j++) {
      m[c * k + j] /= p;
      inv[c * k + j] /= p;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r * k + c];
      if (f === 0) continue;
      for (let j = 0; j < k; j++) {
        m[r * k + j] -= f * m[c * k + j];
        inv[r * k + j] -= f * inv[c * k + j];
      }
    }
  }
  return inv;
}

export type Significance = 0.01 | 0.05 | 0.1;
export const SIGNIFICANCE_LEVELS: readonly Significance[] = [0.01, 0.05, 0.1];

/**
 * Response-surface coefficients [β∞, β1, β2, β3] of the critical value at
 * 1%, 5% and 10%: c(T) = β∞ + β1/T + β2/T² + β3/T³. From J. G. MacKinnon
 * (2010), "Critical Values for Cointegration Tests", Queen's Economics
 * Department Working Paper 1227, Table 2 ("c": a constant in the
 * cointegrating or test regression), for N = 1 (the Dickey–Fuller test) and
 * N = 2 (Engle–Granger with two series); the no-constant N = 1 row is
 * MacKinnon (1996), as statsmodels' adfvalues.py carries it. For N = 2 at
 * 1%, statsmodels has β2 = -33.527 where another public transcription has
 * -22.527; we take -22.527, which keeps β2 monotone in N (-16.786, -22.527,
 * -33.195 for N = 3); the two differ by under 0.0003 for T >= 200.
 */
const CRITICAL: Record<"n1" | "c1" | "c2", readonly (readonly number[])[]> = {
  n1: [[-2.56574, -2.2358, -3.627, 0], [-1.941, -0.2686, -3.365, 31.223], [-1.61682, 0.2656, -2.714, 25.364]],
  c1: [[-3.43035, -6.5393, -16.786, -79.433], [-2.86154, -2.8903, -4.234, -40.04], [-2.56677, -1.5384, -2.809, 0]],
  c2: [[-3.89644, -10.9519, -22.527, 0], [-3.33613, -6.1101, -6.823, 0], [-3.04445, -4.2412, -2.72, 0]],
};

/**
 * MacKinnon's critical value at `level` for a sample of T observations
 * (Infinity: the asymptotic value): N = 1 series with or without a constant
 * (the ADF test), or N = 2 with a constant (Engle–Granger on a pair).
 */
export function mackinnonCritical(level: Significance, T: number, series: 1 | 2 = 1, constant = true): number {
  if (series === 2 && !constant) throw new ConfigError("the Engle–Granger values here are for a regression with a constant", { field: "constant" });
  const table = series === 2 ? CRITICAL.c2 : constant ? CRITICAL.c1 : CRITICAL.n1;
  const at = SIGNIFICANCE_LEVELS.indexOf(level);
  if (at < 0) throw new ConfigError(`level must be one of ${SIGNIFICANCE_LEVELS.join(", ")}, got ${level}`, { field: "level" });
  const [inf, b1, b2, b3] = table[at];
  return inf + b1 / T + b2 / T ** 2 + b3 / T ** 3;
}

export interface EngleGrangerResult extends LineFit {
  /** ADF statistic of the residuals (no constant: the fit has one). */
  readonly statistic: number;
  readonly nobs: number;
  /** The critical value at the level asked (N = 2, with constant, T = nobs). */
  readonly critical: number;
  /** True when no cointegration is rejected: the statistic is below the critical value. */
  readonly cointegrated: boolean;
}

/**
 * The Engle–Granger two-step test on y[from, to) and x[from, to): OLS of y
 * on x with a constant (the hedge ratio is beta), then the ADF statistic of
 * the residuals without a constant, against MacKinnon's N = 2 critical value.
 */
export function engleGranger(
  y: ArrayLike<number>, x: ArrayLike<number>, opts: { lags?: number; level?: Significance; from?: number; to?: number } = {},
): EngleGrangerResult {
  const { from = 0, to = y.length, level = 0.05 } = opts;
  const fit = fitLine(y, x, from, to);
  const residuals = new Float64Array(to - from);
  for (let i = from; i < to; i++) residuals[i - from] = y[i] - fit.alpha - fit.beta * x[i];
  const { statistic, nobs } = adf(residuals, { lags: opts.lags ?? 1, constant: false });
  const critical = mackinnonCritical(level, nobs, 2);
  return { ...fit, statistic, nobs, critical, cointegrated: statistic < critical };
}

/**
 * A hedge ratio that drifts, tracked by a Kalman filter (as in E. Chan,
 * "Algorithmic Trading", 2013, chapter 3): the state [beta, alpha]
 * follows a random walk with covariance delta / (1 - delta) I, and each bar
 * observes y = beta x + alpha + noise of variance `noise`. Unlike Chan's
 * example, which starts from zero with no uncertainty, the state starts
 * diffuse (variance DIFFUSE on each coefficient): the first bars then set
 * it as least squares would, instead of pulling it toward a zero intercept
 * (log prices sit far from the origin, so that start biases the ratio). update() returns the one-step forecast error of y
 * (from the state before the bar) and then corrects the state with the bar.
 * The smaller delta is against noise, the slower the hedge ratio moves.
 */
const DIFFUSE = 1e4;

export class KalmanHedge {
  beta = 0;
  alpha = 0;
  // State covariance [[p00, p01], [p01, p11]].
  private p00 = 0;
  private p01 = 0;
  private p11 = 0;
  private readonly drift: number;

  constructor(delta: number, private readonly noise: number) {
    this.drift = delta / (1 - delta);
    this.p00 = DIFFUSE;
    this.p11 = DIFFUSE;
  }

  update(y: number, x: number): number {
    // Predict: R = P + Vw.
    const r00 = this.p00 + this.drift;
    const r01 = this.p01;
    const r11 = this.p11 + this.drift;
    // The observation row is h = [x, 1]: the forecast's variance is h R h' + Ve.
    const rh0 = r00 * x + r01;
    const rh1 = r01 * x + r11;
    const q = x * rh0 + rh1 + this.noise;
    const e = y - (this.beta * x + this.alpha);
    const k0 = rh0 / q;
    const k1 = rh1 / q;
    this.beta += k0 * e;
    this.alpha += k1 * e;
    // P = R - K h R.
    this.p00 = r00 - k0 * rh0;
    this.p01 = r01 - k0 * rh1;
    this.p11 = r11 - k1 * rh1;
    return e;
  }
}
