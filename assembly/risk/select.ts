import { ld, st } from "../lib/arena";

// Order statistics without sorting (twin: src/risk/var.ts).

/**
 * Floyd-Rivest selection on x[left..right]: afterwards x[k] holds the value a
 * sort would put there, everything before it is <= x[k] and everything after
 * is >= x[k]. Expected O(n); NaN-free input.
 */
export function select(x: usize, left: i32, right: i32, k: i32): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a sample around k so the pivot below lands very near x[k].
      const n = <f64>(right - left + 1);
      const i = <f64>(k - left + 1);
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2.0 * z) / 3.0);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * Math.sign(i - n / 2.0);
      const newLeft = <i32>Math.max(<f64>left, Math.floor(<f64>k - (i * s) / n + sd));
      const newRight = <i32>Math.min(<f64>right, Math.floor(<f64>k + ((n - i) * s) / n + sd));
      select(x, newLeft, newRight, k);
    }
    const t = ld(x, k);
    let i = left;
    let j = right;
    swap(x, left, k);
    if (ld(x, right) > t) swap(x, right, left);
    while (i < j) {
      swap(x, i, j);
      i++;
      j--;
      while (ld(x, i) < t) i++;
      while (ld(x, j) > t) j--;
    }
    if (ld(x, left) == t) swap(x, left, j);
    else { j++; swap(x, j, right); }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

// @ts-ignore: decorator
@inline function swap(x: usize, i: i32, j: i32): void {
  const t = ld(x, i);
  st(x, i, ld(x, j));
  st(x, j, t);
}

/** R's quantile type 7 of x[0..n), which is reordered. */
export function quantile7(x: usize, n: i32, prob: f64): f64 {
  const index = 1.0 + <f64>(n - 1) * prob;
  const lo = <i32>Math.floor(index);
  const h = index - <f64>lo;
  select(x, 0, n - 1, lo - 1);
  const low = ld(x, lo - 1);
  if (h == 0) return low;
  let high = Infinity;
  for (let i = lo; i < n; i++) {
    const v = ld(x, i);
    if (v < high) high = v;
  }
  return high == low ? low : (1.0 - h) * low + h * high;
}

/** Mean of the values of x[0..n) strictly below `limit`; `limit` when none are. */
export function meanBelow(x: usize, n: i32, limit: f64): f64 {
  let sum = 0.0;
  let c: i32 = 0;
  for (let i = 0; i < n; i++) {
    const v = ld(x, i);
    if (v < limit) { sum += v; c++; }
  }
  return c == 0 ? limit : sum / <f64>c;
}

/**
 * Historical VaR (type-7 quantile) and ES (mean strictly below it) of
 * x[0..n), which is reordered; out = [VaR, ES]. After the selection every
 * value from position lo on is at least the VaR, so the ES pass reads only the
 * first lo values.
 */
export function historicalOf(x: usize, n: i32, alpha: f64, out: usize): void {
  const VaR = quantile7(x, n, alpha);
  const lo = <i32>Math.floor(1.0 + <f64>(n - 1) * alpha);
  st(out, 0, VaR);
  st(out, 1, meanBelow(x, lo, VaR));
}
