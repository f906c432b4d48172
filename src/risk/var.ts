import { kurtosisOf, moments, skewnessOf, type Moments } from "./moments.ts";
import { dnorm, qnorm } from "./normal.ts";
import { checkConfidence, checkReturns } from "./params.ts";
import type { TailRisk, VaRES } from "./stats.ts";

/** VaR and ES by the three PerformanceAnalytics methods; NaN is skipped. */
export function tailRisk(returns: Float64Array, confidence: number): TailRisk {
  checkConfidence("confidence", confidence);
  checkReturns("returns", returns, 1);
  const alpha = 1 - confidence;
  const m = moments(returns);
  return {
    historical: historicalVaRES(returns, alpha),
    gaussian: gaussianVaRES(m, alpha),
    modified: modifiedVaRES(m, alpha),
  };
}

/** Historical VaR and ES at `confidence`; NaN is skipped. */
export function historical(returns: Float64Array, confidence: number): VaRES {
  checkConfidence("confidence", confidence);
  checkReturns("returns", returns, 1);
  return historicalVaRES(returns, 1 - confidence);
}

/**
 * Historical VaR = R's type-7 quantile at `alpha`; ES = the mean of the
 * returns strictly below it (the VaR itself when there are none). Two order
 * statistics by selection on a copy, O(n): no full sort.
 */
export function historicalVaRES(returns: Float64Array, alpha: number): VaRES {
  const x = presentValues(returns);
  return historicalOf(x, x.length, alpha);
}

/**
 * Historical VaR and ES of x[0..n), which is reordered. Once quantile7 has
 * selected the lo-th smallest value, every value from position lo on is at
 * least the next order statistic, so at least the VaR: the ES pass needs
 * only the first lo values.
 */
export function historicalOf(x: Float64Array, n: number, alpha: number): VaRES {
  const VaR = quantile7(x, n, alpha);
  const lo = Math.floor(1 + (n - 1) * alpha);
  return { VaR, ES: meanBelow(x, lo, VaR) };
}

/** Normal VaR and ES from the mean and the population variance m2. */
export function gaussianVaRES(m: Moments, alpha: number): VaRES {
  const z = qnorm(alpha);
  const sd = Math.sqrt(m.m2);
  return { VaR: m.mean + z * sd, ES: m.mean - (dnorm(z) * sd) / alpha };
}

/**
 * Cornish-Fisher VaR and PA's operational modified ES (operES.CornishFisher):
 * the ES expansion is used only when it lies beyond the VaR, so ES <= VaR.
 */
export function modifiedVaRES(m: Moments, alpha: number): VaRES {
  const z = qnorm(alpha);
  const s = skewnessOf(m);
  const k = kurtosisOf(m);
  const sd = Math.sqrt(m.m2);
  const h = z + ((z * z - 1) * s) / 6 + ((z * z * z - 3 * z) * k) / 24 - ((2 * z * z * z - 5 * z) * s * s) / 36;
  const h2 = h * h;
  const e = (dnorm(h) * (1 + (h2 * h * s) / 6 + ((h2 * h2 * h2 - 9 * h2 * h2 + 9 * h2 + 3) * s * s) / 72 +
    ((h2 * h2 - 2 * h2 - 1) * k) / 24)) / alpha;
  return { VaR: m.mean + h * sd, ES: m.mean + sd * Math.min(-e, h) };
}

/** The values that are not NaN, in a fresh array. */
export function presentValues(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  let n = 0;
  for (const v of x) if (v === v) out[n++] = v;
  return out.subarray(0, n);
}

/**
 * R's quantile type 7 of the first n values of x (reordered in place):
 * with index = 1 + (n - 1) * prob, it interpolates between the floor(index)-th
 * and the next order statistic.
 */
export function quantile7(x: Float64Array, n: number, prob: number): number {
  const index = 1 + (n - 1) * prob;
  const lo = Math.floor(index);
  const h = index - lo;
  select(x, 0, n - 1, lo - 1);
  const low = x[lo - 1];
  if (h === 0) return low;
  let high = Infinity;
  for (let i = lo; i < n; i++) if (x[i] < high) high = x[i];
  return high === low ? low : (1 - h) * low + h * high;
}

/** Mean of the values of x[0..n) strictly below `limit`; `limit` when none are. */
export function meanBelow(x: Float64Array, n: number, limit: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (x[i] < limit) { sum += x[i]; count++; }
  }
  return count === 0 ? limit : sum / count;
}

/**
 * Floyd-Rivest selection: reorders x[left..right] so that x[k] is the value
 * a sort would put there, everything before it <= x[k] and everything after
 * >= x[k]. Expected O(n); NaN-free input.
 */
export function select(x: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a sample around k so the pivot below lands very near x[k].
      const n = right - left + 1;
      const i = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * Math.sign(i - n / 2);
      select(x, Math.max(left, Math.floor(k - (i * s) / n + sd)), Math.min(right, Math.floor(k + ((n - i) * s) / n + sd)), k);
    }
    const t = x[k];
    let i = left;
    let j = right;
    swap(x, left, k);
    if (x[right] > t) swap(x, right, left);
    while (i < j) {
      swap(x, i, j);
      i++;
      j--;
      while (x[i] < t) i++;
      while (x[j] > t) j--;
    }
    if (x[left] === t) swap(x, left, j);
    else swap(x, ++j, right);
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(x: Float64Array, i: number, j: number): void {
  const t = x[i];
  x[i] = x[j];
  x[j] = t;
}
