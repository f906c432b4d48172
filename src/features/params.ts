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
