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
 * correctly rounded string parse gives too; anything else takes toNumber.
 */
export function toFloat(d: Decimal): number {
  // decimal.js internals: digits in base-1e7 words (the first without leading zeros), the exponent of the first digit, the sign.
  const x = d as unknown as { d: number[] | null; e: number; s: number };
  const words = x.d;
  if (words === null || words.length > 3) return d.toNumber();
  let m = 0;
  for (let i = 0; i < words.length; i++) m = m * 1e7 + words[i];
  if (m > TWO_53) return d.toNumber();
  const w0 = words[0];
  const firstDigits = w0 >= 1e6 ? 7 : w0 >= 1e5 ? 6 : w0 >= 1e4 ? 5 : w0 >= 1e3 ? 4 : w0 >= 100 ? 3 : w0 >= 10 ? 2 : 1;
  let p = x.e - (firstDigits - 1) - 7 * (words.length - 1);
  while (p < 0 && m !== 0 && m % 10 === 0) {
    m /= 10;
    p++;
  }
  if (p > 22 || p < -22) return d.toNumber();
  const v = p >= 0 ? m * POW10[p] : m / POW10[-p];
  return x.s < 0 ? -v : v;
}
