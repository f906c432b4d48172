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
