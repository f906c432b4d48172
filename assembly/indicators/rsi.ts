import { ld, st, fillNaN } from "../lib/arena";

/**
 * Relative strength index (TA-Lib RSI, TTR RSI): Wilder smoothing (alpha =
 * 1/period) of gains and losses, seeded with their simple means over the
 * first `period` changes, so the first value is at index period; dst[i] is
 * NaN before that. Where gains and losses are both zero it is 0, as in
 * TA-Lib. Not in-place safe.
 *
 * For speed the kernel smooths |change| (A) and the signed change (D)
 * instead: gain = (A + D)/2 and loss = (A - D)/2, so RSI = 50 (A + D) / A.
 * That saves the split into gains and losses (which, written as f64.max, V8
 * compiles to mispredicted branches), and rounds differently from the gain
 * and loss form only in the last bits: about 1e-14 / RSI relative, so below
 * 1e-12 for RSI above 0.01. A and D are kept as sums rather than averages
 * (the 1/period cancels in the ratio), and the changes are taken two at a
 * time in one vector subtraction.
 */
export function rsi(src: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period >= n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period);
  // A and D are kept as sums, not means: Wilder's average is the sum times
  // 1/period, and RSI is a ratio of the two, so the factor cancels. Each
  // step is then A = |d| + b*A, one multiply fewer than a*|d| + b*A.
  let A = 0.0, D = 0.0;
  for (let i = 1; i <= period; i++) {
    const d = ld(src, i) - ld(src, i - 1);
    A += abs(d);
    D += d;
  }
  st(dst, period, ratio(A, D));
  const b = 1.0 - 1.0 / <f64>period;
  const b2 = b * b, b3 = b2 * b, b4 = b3 * b;
  // A and D ride in the two lanes of one f64x2, so each step is one vector
  // op for both; the lanes round exactly like the scalar tail below.
  const vb = f64x2.splat(b), vb2 = f64x2.splat(b2), vb3 = f64x2.splat(b3), vb4 = f64x2.splat(b4);
  const absMask = i64x2(0x7FFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF); // (d, e) -> (|d|, |e|)
  let S = f64x2.replace_lane(f64x2.splat(A), 1, D);
  let i = period + 1;
  // Four bars per step, as in ema: the partial sums within the step do not
  // wait on the averages, so only `u4 + b^4*S` is serial.
  for (; i + 4 <= n; i += 4) {
    // Two changes per vector subtraction, then each bar's (|d|, d) pair by a shuffle.
    const p = src + (<usize>i << 3);
    const d12 = f64x2.sub(v128.load(p), v128.load(p - 8));
    const d34 = f64x2.sub(v128.load(p + 16), v128.load(p + 8));
    const a12 = v128.and(d12, absMask), a34 = v128.and(d34, absMask);
    const u1 = v128.shuffle<f64>(a12, d12, 0, 2);
    const u2 = f64x2.add(v128.shuffle<f64>(a12, d12, 1, 3), f64x2.mul(vb, u1));
    const u3 = f64x2.add(v128.shuffle<f64>(a34, d34, 0, 2), f64x2.mul(vb, u2));
    const u4 = f64x2.add(v128.shuffle<f64>(a34, d34, 1, 3), f64x2.mul(vb, u3));
    const S1 = f64x2.add(u1, f64x2.mul(vb, S));
    const S2 = f64x2.add(u2, f64x2.mul(vb2, S));
    const S3 = f64x2.add(u3, f64x2.mul(vb3, S));
    S = f64x2.add(u4, f64x2.mul(vb4, S));
    ratio2(dst, i, S1, S2);
    ratio2(dst, i + 2, S3, S);
  }
  A = f64x2.extract_lane(S, 0);
  D = f64x2.extract_lane(S, 1);
  for (; i < n; i++) {
    const d = ld(src, i) - ld(src, i - 1);
    A = abs(d) + b * A;
    D = d + b * D;
    st(dst, i, ratio(A, D));
  }
}

// @ts-ignore: decorator
@inline function ratio(A: f64, D: f64): f64 {
  return A == 0.0 ? 0.0 : 50.0 * (A + D) / A;
}

/** The smallest normal f64: below any sum of price changes A that is not 0. */
const TINY: f64 = 2.2250738585072014e-308;

// ratio() of two bars given as (A, D) lane pairs: one f64x2 division (the
// same IEEE division per lane) instead of two scalar ones. The denominator
// pmax(TINY, A) = (TINY < A ? A : TINY) is one instruction (maxpd) where a
// compare and a select took three: A = 0 gives 0 / TINY = 0, TA-Lib's value
// for no movement, and a NaN input still gives NaN (through A + D), which
// the wrapper's input check reads in the last output.
// @ts-ignore: decorator
@inline function ratio2(dst: usize, i: i32, p: v128, q: v128): void {
  const A = v128.shuffle<f64>(p, q, 0, 2);
  const D = v128.shuffle<f64>(p, q, 1, 3);
  const r = f64x2.div(f64x2.mul(f64x2.splat(50.0), f64x2.add(A, D)), f64x2.pmax(f64x2.splat(TINY), A));
  v128.store(dst + (<usize>i << 3), r);
}
