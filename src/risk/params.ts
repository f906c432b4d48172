import { ConfigError } from "../core/errors.ts";

// Input checks shared by the TypeScript twins and the WASM wrapper, so both
// reject the same inputs with the same messages.

/** A confidence level p in (0, 1), e.g. 0.95; the tail probability is 1 - p. */
export function checkConfidence(field: string, p: number): number {
  if (!(p > 0 && p < 1)) {
    throw new ConfigError(`${field} must be a number strictly between 0 and 1 (e.g. 0.95), got ${p}`, { field });
  }
  return p;
}

/** Periods per year used to annualize (12 monthly, 252 daily). */
export function checkScale(field: string, scale: number): number {
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new ConfigError(`${field} must be a finite number > 0 (periods per year), got ${scale}`, { field });
  }
  return scale;
}

/** An integer in [min, max]. */
export function checkInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${field} must be an integer in [${min}, ${max}], got ${value}`, { field });
  }
  return value;
}

/**
 * A return series: NaN marks a missing value and is skipped (PerformanceAnalytics
 * drops NA); an infinite value is an error. Returns the number of values present,
 * which must be at least `min`.
 */
export function checkReturns(field: string, returns: Float64Array, min = 1): number {
  let n = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    if (r - r === 0) {
      // A simple return below -100% would be losing more than everything: compounding it gives nonsense.
      if (r < -1) throw new ConfigError(`${field}[${i}] is ${r}; a simple return cannot be below -1 (a total loss)`, { field });
      n++;
    } else if (r === r) throw new ConfigError(`${field}[${i}] is ${r}; returns must be finite (NaN marks a missing value)`, { field });
  }
  if (n < min) {
    const what = returns.length === 0 ? "is empty" : `has ${n} non-missing value${n === 1 ? "" : "s"}`;
    throw new ConfigError(`${field} ${what}; at least ${min} needed`, { field });
  }
  return n;
}

/** Two series observed on the same dates. */
export function checkPaired(field: string, a: Float64Array, b: Float64Array): void {
  if (a.length !== b.length) {
    throw new ConfigError(`${field}: the series have different lengths (${a.length} and ${b.length})`, { field });
  }
}

/** Covariances need at least two dates on which every series is present. */
export function checkCompleteRows(field: string, rows: number): number {
  if (rows < 2) {
    throw new ConfigError(`${field}: ${rows} date${rows === 1 ? "" : "s"} with every series present; at least 2 needed`, { field });
  }
  return rows;
}
