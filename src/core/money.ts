import Decimal from "decimal.js";
import { ConfigError } from "./errors.ts";

/**
 * Money and quantities on orders, fills and the portfolio. decimal.js keeps
 * cash arithmetic exact in base 10; analytics stay in float64.
 */
export { Decimal };
export type Money = Decimal;
export type Quantity = Decimal;

export const ZERO = new Decimal(0);

/** Parses a finite number or decimal string, naming the field when it is not one. */
export function toDecimal(value: Decimal.Value, field: string): Decimal {
  let d: Decimal;
  try {
    d = new Decimal(value);
  } catch {
    throw new ConfigError(`${field} must be a number, got ${JSON.stringify(value)}`, { field });
  }
  if (!d.isFinite()) throw new ConfigError(`${field} must be finite, got ${value}`, { field });
  return d;
}

const TWO_53 = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The double nearest to a Decimal: what toNumber() gives, without its trip
 * through a string (toNumber is `+this.toString()`), which made it the
 * costliest Decimal call on the order path. When the decimal digits form an
 * integer of at most 2^53 scaled by at most 10^22, one exact multiplication
 * or division of two exactly representable doubles gives the correctly
 * rounded result (Clinger's fast path, as in every strtod), which is what the
 * correctly rounded string parse gives too. Longer coefficients (a fill
 * price with slippage, cash: 16 to 20 digits) take wideToFloat; anything
 * else, and any case those cannot settle, takes toNumber.
 */
export function toFloat(d: Decimal): number {
  // decimal.js internals: digits in base-1e7 words (the first without leading zeros), the exponent of the first digit, the sign.
  const x = d as unknown as { d: number[] | null; e: number; s: number };
  const words = x.d;
  if (words === null || words.length > 4) return d.toNumber();
  let m = 0;
  for (let i = 0; i < words.length; i++) m = m * 1e7 + words[i];
  const w0 = words[0];
  const firstDigits = w0 >= 1e6 ? 7 : w0 >= 1e5 ? 6 : w0 >= 1e4 ? 5 : w0 >= 1e3 ? 4 : w0 >= 100 ? 3 : w0 >= 10 ? 2 : 1;
  let p = x.e - (firstDigits - 1) - 7 * (words.length - 1);
  // At 2^53 and above m may be rounded already: the exact route.
  if (m >= TWO_53) {
    const v = wideToFloat(words, p);
    if (Number.isNaN(v)) return d.toNumber();
    return x.s < 0 ? -v : v;
  }
  while (p < 0 && m !== 0 && m % 10 === 0) {
    m /= 10;
    p++;
  }
  if (p > 22 || p < -22) return d.toNumber();
  const v = p >= 0 ? m * POW10[p] : m / POW10[-p];
  return x.s < 0 ? -v : v;
}

/** Dekker's splitter, 2^27 + 1: splits a double into halves whose products are exact. */
const SPLITTER = 134_217_729;

/** a x b - fl(a x b), exactly (Dekker's two-product; no FMA in JavaScript), for `product` = fl(a x b). */
function productError(a: number, b: number, product: number): number {
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ah * bh - product + ah * bl + al * bh + al * bl;
}

const ulpView = new DataView(new ArrayBuffer(8));

/**
 * Half the gap between positive normal q and its neighbours, or NaN when
 * the two gaps differ (q a power of two) or q is too small to say: those
 * cases are left to toNumber.
 */
function halfUlp(q: number): number {
  ulpView.setFloat64(0, q);
  const hi = ulpView.getUint32(0);
  const exponent = hi >>> 20;
  if (exponent < 54 || exponent > 2046 || ((hi & 0xfffff) === 0 && ulpView.getUint32(4) === 0)) return NaN;
  ulpView.setUint32(0, (exponent - 53) << 20);
  ulpView.setUint32(4, 0);
  return ulpView.getFloat64(0);
}

/** How close to a tie between two doubles toFloat leaves the decision to toNumber: far above the error of the residual below. */
const TIE_MARGIN = 2 ** -20;

/**
 * |value| of a coefficient of at least 2^53 (base-1e7 words, 3 or 4) times
 * 10^p, correctly rounded, or NaN when it cannot tell. The coefficient is
 * held exactly as a sum of two doubles H + L (error-free products and sums);
 * for p < 0 the quotient q = H / 10^-p is then checked against the exact
 * residual H + L - q x 10^-p: q is the correctly rounded result when the
 * residual is below half of q's gap times 10^-p. A residual of more than
 * that moves q by its own quotient (within an ulp of the answer, so at most
 * one more check); one too close to the half (a tie or nearly) gives NaN.
 */
function wideToFloat(words: readonly number[], p: number): number {
  const n = words.length;
  // The coefficient as head x scale + tail: tail is the last two words (below 10^14) without their trailing zeros, head the one or two before.
  const head = n === 3 ? words[0] : words[0] * 1e7 + words[1];
  let tail = words[n - 2] * 1e7 + words[n - 1];
  let scale = 1e14;
  while (tail !== 0 && tail % 10 === 0) {
    tail /= 10;
    scale /= 10;
    p++;
  }
  const product = head * scale;
  const e1 = productError(head, scale, product);
  const sum = product + tail;
  const back = sum - product;
  const e2 = product - (sum - back) + (tail - back);
  // Both errors are integers below 2^40 (the coefficient is below 2^93), so their sum is exact.
  const r = e1 + e2;
  const hi = sum + r;
  const lo = r - (hi - sum);
  if (p === 0) return hi;
  if (p > 0 || p < -22) return NaN;
  const div = POW10[-p];
  let q = hi / div;
  for (let attempt = 0; attempt < 2; attempt++) {
    const qd = q * div;
    // hi - qd is exact (Sterbenz: they are within a factor of 2); the residual's error is ~2^-50 of an ulp of hi.
    const residual = hi - qd + (lo - productError(q, div, qd));
    const half = halfUlp(q) * div;
    const size = Math.abs(residual);
    if (size < half * (1 - TIE_MARGIN)) return q;
    if (!(size > half * (1 + TIE_MARGIN))) return NaN;
    q += residual / div;
  }
  return NaN;
}
