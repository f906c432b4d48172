import { ConfigError } from "../core/errors.ts";

/** An indicator period: an integer >= min. `field` names it in the error, e.g. "sma.period". */
export function checkPeriod(field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${field} must be an integer >= ${min}, got ${value}`, { field });
  }
  return value;
}

/** A finite real parameter such as a band width. */
export function checkFinite(field: string, value: number, min = -Infinity): number {
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`${field} must be a finite number >= ${min}, got ${value}`, { field });
  }
  return value;
}

/** Inputs of one indicator call must have equal lengths. */
export function checkSameLength(name: string, ...series: Float64Array[]): number {
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n) throw new ConfigError(`${name}: input series have different lengths (${series.map((x) => x.length).join(", ")})`);
  }
  return n;
}

/**
 * Every value of an input series is finite: a NaN or infinite price or volume
 * would poison the running sums (batch and streaming would then disagree), so
 * it is an error naming the indicator and the index.
 */
export function checkValues(name: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) throw nonFinite(name, i, v);
  }
}

/** The error for a NaN or infinite input value at index i. */
export function nonFinite(name: string, i: number, v: number): ConfigError {
  return new ConfigError(`${name}: input value at index ${i} is ${v}; indicators need finite numbers`, { field: `${name}.values` });
}

/** The streaming form of checkValues, for one bar's inputs. */
export function checkInputs(name: string, a: number, b = 0, c = 0, d = 0): void {
  if (a - a !== 0 || b - b !== 0 || c - c !== 0 || d - d !== 0) {
    throw new ConfigError(`${name}: input ${[a, b, c, d].find((v) => v - v !== 0)} is not a finite number`, { field: `${name}.values` });
  }
}
